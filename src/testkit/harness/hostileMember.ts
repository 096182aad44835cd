// The harness's attacks: what a hostile member (or a lossy link) does to the room's document,
// presence and data channels, and what this page's document and presence hold after them.
import * as Y from 'yjs';
import { MESSAGES_ROOT } from '../../log/schema';
import { entryMaps } from '../adversary/entryMaps';
import { HostilePeer } from '../adversary/HostilePeer';
import { attackPresence, gateStats, type PresenceAttack } from './hostilePresence';
import { state } from './pageState';

export const hostileMember = {
  /** Writes straight into the document, as a hostile client would. */
  forge(id: string, value: unknown): void {
    state.session?.doc.getMap(MESSAGES_ROOT).set(id, value);
  },
  /** Writes a copy of a genuine entry with other text under a new id (a forgery). */
  forgeAltered(newId: string, text: string): void {
    const genuine = state.session?.log.entries()[0];
    if (!genuine) throw new Error('forgeAltered: nothing to copy');
    state.session?.doc.getMap(MESSAGES_ROOT).set(newId, {
      v: 1,
      u: genuine.userId,
      t: genuine.unixTime,
      c: genuine.clock,
      m: text,
      b: genuine.batch,
      i: genuine.index,
    });
  },
  /**
   * Turns this page into a hostile member (src/testkit/adversary): its own log stops (so it
   * writes nothing back), and from then on it writes into the room's document what the
   * protocol lets any member write.
   */
  turnHostile(): void {
    if (!state.session || !state.signer) throw new Error('turnHostile: open a room first');
    state.session.log.destroy();
    state.hostile ??= new HostilePeer(state.session.roomId, state.signer, state.session.doc);
  },
  /** As a hostile member: replaces the text of every entry and every batch by its own. */
  async rewriteHistory(suffix: string): Promise<void> {
    await state.hostile?.rewriteHistory((old) => `${old}${suffix}`);
  },
  /** As a hostile member: writes `bytes` under a root the schema does not have. */
  writeOtherRoot(bytes: number): void {
    state.hostile?.writeOtherRoot(bytes);
  },
  /** The size of this tab's whole document, encoded, in bytes. */
  documentBytes(): number {
    return state.session ? Y.encodeStateAsUpdate(state.session.doc).byteLength : 0;
  },
  /** As a hostile member: deletes every key of the log. */
  deleteHistory(): void {
    state.hostile?.deleteKeys();
  },
  /** The texts under the document's entry keys now (one per key), whatever they are. */
  documentTexts(): string[] {
    const texts: string[] = [];
    // Read from the document itself (a hostile page's log is gone: turnHostile), one text per
    // key: two honest peers may write the same entry back, each into its own page.
    const seen = new Set<string>();
    for (const map of state.session ? entryMaps(state.session.doc) : []) {
      map.forEach((value, id) => {
        if (seen.has(id)) return;
        seen.add(id);
        texts.push(String((value as { m?: unknown } | undefined)?.m));
      });
    }
    return texts.sort();
  },
  /** This tab's awareness client id. */
  clientId(): number {
    return state.session?.awareness.clientID ?? -1;
  },
  /** The users whose sessions this tab's presence counts now. */
  presentUsers(): string[] {
    return [...new Set(state.session?.presence.sessions().map((s) => s.userId))].sort();
  },
  /** The sessions of this tab's own awareness state (what it sends as itself). */
  ownCardSessions(): unknown {
    return state.session?.awareness.getLocalState()?.sessions;
  },
  /** As a hostile member: an attack on presence (see hostilePresence.ts). */
  attackPresence(attack: PresenceAttack): number {
    return state.session ? attackPresence(state.session, attack) : 0;
  },
  /** What this tab's presence gate refused and let in. */
  gateStats(): Record<string, number> {
    return { ...(state.session ? gateStats(state.session) : undefined) };
  },
  /**
   * Makes every send on this tab's data channels vanish silently while `drop` holds (a lost
   * update; with the channels left "open", a link that carries nothing).
   */
  dropSends(drop: boolean): void {
    const room = state.session?.network.provider?.room as unknown as {
      webrtcConns: Map<string, { peer: { _channel?: Record<string, unknown> } }>;
    } | null;
    for (const conn of room?.webrtcConns.values() ?? []) {
      const channel = conn.peer._channel as
        | { send: unknown; sendSide: unknown; real?: { send: unknown; sendSide: unknown } }
        | undefined;
      if (!channel) continue;
      if (drop && !channel.real) {
        channel.real = { send: channel.send, sendSide: channel.sendSide };
        channel.send = () => undefined;
        channel.sendSide = () => undefined;
      } else if (!drop && channel.real) {
        channel.send = channel.real.send;
        channel.sendSide = channel.real.sendSide;
        channel.real = undefined;
      }
    }
  },
};
