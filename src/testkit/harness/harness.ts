// A test page for the end-to-end suites: drives real RoomSessions (real Yjs, y-webrtc,
// awareness, WebCrypto) in this browser context and exposes them to Playwright as
// `window.harness`. Bundled by src/testkit/e2e/harnessBuild.ts; never part of the app.
import * as Y from 'yjs';
import { RoomSession } from '../../compose/RoomSession';
import { ChatStorage } from '../../storage/ChatStorage';
import type { HistoryCursor, StoredEvent } from '../../storage/EventStore';
import type { ChatEvent } from '../../hub/events';
import { Identity } from '../../identity/Identity';
import { MemoryKeyStore } from '../../identity/MemoryKeyStore';
import { Verifier } from '../../identity/Verifier';
import { MESSAGES_ROOT } from '../../log/schema';
import { entryMaps } from '../adversary/entryMaps';
import { loadNetworkConfig } from '../../net/NetworkConfig';
import { HostilePeer } from '../adversary/HostilePeer';
import { attackPresence, gateStats, type PresenceAttack } from './hostilePresence';
import './benchPage';
import './rawChannel';

export interface OpenOptions {
  roomId: string;
  name: string;
  /** PKCS#8 and raw public key (base64) of a key pair to act as; random if absent. */
  key?: { pkcs8: string; publicRaw: string };
  presenceTimeoutMs?: number;
  antiEntropyMs?: number;
  password?: string;
  /** Persist in this context's IndexedDB (as the app does). */
  storage?: boolean;
  /** `false`: y-webrtc's own connections instead of the bounded-degree mesh. */
  mesh?: boolean;
  /** Seal older history out of the document (RoomSessionOptions.seal). */
  seal?: { above: number; size?: number; settleMs?: number };
}

const bytes = (base64: string): Uint8Array<ArrayBuffer> =>
  Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));

let session: RoomSession | undefined;
let signer: Identity | undefined;
let hostile: HostilePeer | undefined;
let storage: ChatStorage | undefined;
const events: ChatEvent[] = [];

async function identityFor(key: OpenOptions['key']): Promise<Identity> {
  const store = new MemoryKeyStore();
  if (key) {
    const privateKey = await crypto.subtle.importKey('pkcs8', bytes(key.pkcs8), 'Ed25519', false, [
      'sign',
    ]);
    const publicKey = await crypto.subtle.importKey('raw', bytes(key.publicRaw), 'Ed25519', true, [
      'verify',
    ]);
    await store.save({ keyPair: { privateKey, publicKey }, createdAt: Date.now() });
  }
  return Identity.loadOrCreate(store);
}

/** A clock both contexts of one browser share: high resolution, same origin of time. */
const wallClock = (): number => performance.timeOrigin + performance.now();

let firstPeerAt: number | undefined;

/** Arrival time of each message event, by message text (for the latency benchmark). */
const arrivals = new Map<string, number>();

async function pump(stream: RoomSession['stream']): Promise<void> {
  for (;;) {
    const batch = await stream.nextBatch();
    if (!batch) return;
    const at = wallClock();
    for (const event of batch) if (event.type === 'message') arrivals.set(event.message ?? '', at);
    events.push(...batch);
  }
}

/** The room's whole stored history, as the room view pages it (sealed history included). */
async function storedHistory(): Promise<StoredEvent[]> {
  if (!storage || !session) return [];
  const pages: (readonly StoredEvent[])[] = [];
  let before: HistoryCursor | undefined;
  do {
    const page = await storage.page(session.roomId, 10_000, before);
    pages.push(page.events);
    before = page.older;
  } while (before);
  return pages.flat();
}

const harness = {
  async open(options: OpenOptions): Promise<string> {
    const identity = await identityFor(options.key);
    signer = identity;
    storage = options.storage ? await ChatStorage.open() : undefined;
    session = await RoomSession.open({
      ...(storage ? { storage } : {}),
      roomId: options.roomId,
      signer: identity,
      verifier: new Verifier(),
      network: await loadNetworkConfig(),
      displayName: options.name,
      ...(options.password ? { password: options.password } : {}),
      ...(options.presenceTimeoutMs ? { presenceTimeoutMs: options.presenceTimeoutMs } : {}),
      ...(options.antiEntropyMs ? { antiEntropyMs: options.antiEntropyMs } : {}),
      ...(options.mesh === false ? { mesh: false } : {}),
      ...(options.seal ? { seal: options.seal } : {}),
    });
    void pump(session.stream);
    session.network.onStatus((status) => {
      if (status.peers > 0 && firstPeerAt === undefined) firstPeerAt = wallClock();
    });
    return identity.userId;
  },
  send(text: string): string | undefined {
    return session?.send(text);
  },
  /** Sends `count` messages as fast as the API allows. */
  burst(count: number, prefix: string): void {
    for (let i = 0; i < count; i += 1) session?.send(`${prefix} ${i}`);
  },
  /** Sends `count` messages `gapMs` apart, each carrying its send time; resolves when sent. */
  async paced(count: number, gapMs: number, prefix: string): Promise<void> {
    for (let i = 0; i < count; i += 1) {
      session?.send(`${prefix}|${i}|${wallClock()}`);
      await new Promise((resolve) => setTimeout(resolve, gapMs));
    }
  },
  /** One-way delays (ms) of the messages with this prefix that have arrived here. */
  delays(prefix: string): number[] {
    const out: number[] = [];
    for (const [text, at] of arrivals) {
      const [p, , sent] = text.split('|');
      if (p === prefix) out.push(at - Number(sent));
    }
    return out;
  },
  /** The latest arrival among messages whose text starts with `prefix`, and how many came. */
  lastArrival(prefix: string): { count: number; at: number } {
    let count = 0;
    let at = 0;
    for (const [text, time] of arrivals) {
      if (!text.startsWith(prefix)) continue;
      count += 1;
      at = Math.max(at, time);
    }
    return { count, at };
  },
  /** When this tab first had a WebRTC peer (wall clock), if it has. */
  connectedAt(): number | undefined {
    return firstPeerAt;
  },
  /** When the message with this exact text arrived (wall clock), if it has. */
  arrivedAt(text: string): number | undefined {
    return arrivals.get(text);
  },
  now(): number {
    return wallClock();
  },
  /** Whether every one of these message ids is held (verified) here. */
  hasAll(ids: string[]): boolean {
    return ids.every((id) => session?.log.get(id) !== undefined);
  },
  /** Size of the room document's full state, as a new peer receives it. */
  docBytes(): number {
    return session ? Y.encodeStateAsUpdate(session.doc).length : 0;
  },
  /** Ids of the newest `count` messages held here, in order. */
  newestIds(count: number): string[] {
    return (session?.log.page(count) ?? []).map((e) => e.id);
  },
  events(): ChatEvent[] {
    return events;
  },
  messages(): string[] {
    return (session?.log.entries() ?? []).map((e) => e.message);
  },
  messageCount(): number {
    return session?.log.entries().length ?? 0;
  },
  /** Own messages no peer holds yet. */
  pending(): string[] {
    return session?.delivery.pending() ?? [];
  },
  /** Bytes received over this room's data channels. */
  bytesReceived(): number {
    return session?.network.bytesReceived() ?? 0;
  },
  /** Own messages reported saved (durable in IndexedDB). */
  saved(): string[] {
    return session?.saves?.savedIds() ?? [];
  },
  /** Events of this room held in IndexedDB. */
  async stored(): Promise<number> {
    return storage && session ? storage.events.count(session.roomId) : 0;
  },
  /** Messages of the room stored on this device, sealed history in kept segments included. */
  async storedMessages(): Promise<number> {
    return (await storedHistory()).filter((s) => s.event.type === 'message').length;
  },
  /** The room's stored messages, oldest first: id and text (none once deleted). */
  async storedList(): Promise<{ id: string; text: string | undefined }[]> {
    return (await storedHistory())
      .filter((s) => s.event.type === 'message')
      .map((s) => ({ id: s.event.id, text: s.event.message }));
  },
  /** Takes messages deleted by their author out of the stored history, as the room view does. */
  async redact(ids: string[]): Promise<void> {
    await session?.redact(ids);
  },
  /** Stored messages of the room without the signed mark (imported ones, or a defect). */
  async storedUnsigned(): Promise<number> {
    const all = await storedHistory();
    return all.filter((s) => s.event.type === 'message' && s.signed !== true).length;
  },
  /** Seals this tab checked, and entries its document holds (the rest are sealed). */
  sealed(): { checked: number; live: number } {
    return {
      checked: session?.seals.checkedCount ?? 0,
      live: session?.log.pages.size ?? 0,
    };
  },
  /**
   * Sends `count` messages `chunk` at a time, sealing what is due after each chunk, so that
   * the document never holds much more than a chunk (a room of a million messages written
   * as it would be over years). Resolves when all are written and sealed.
   */
  async burstSealed(count: number, prefix: string, chunk: number): Promise<void> {
    for (let sent = 0; session && sent < count; sent += chunk) {
      for (let i = sent; i < Math.min(count, sent + chunk); i += 1) session.send(`${prefix} ${i}`);
      await session.log.whenProcessed();
      // The room's own sealing may be running (sealDue then waits for it and seals nothing).
      for (let idle = 0; session.seals.overLimit() && idle < 100;) {
        if ((await session.seals.sealDue()) === undefined) idle += 1;
      }
    }
  },
  /** Seals now what is due (as a sealing room does a few seconds after writing); how many. */
  async sealNow(): Promise<number> {
    let sealed = 0;
    while (session && (await session.seals.sealDue()) !== undefined) sealed += 1;
    return sealed;
  },
  rejected(): Record<string, number> {
    return session?.log.rejected() ?? {};
  },
  status(): unknown {
    return session?.network.status();
  },
  resync(): number {
    return session?.network.resync() ?? 0;
  },
  /** Stops and restarts replication (like losing and regaining the network). */
  disconnect(): void {
    session?.network.provider?.disconnect();
  },
  reconnect(): void {
    session?.network.provider?.connect();
  },
  /** Writes straight into the document, as a hostile client would. */
  forge(id: string, value: unknown): void {
    session?.doc.getMap(MESSAGES_ROOT).set(id, value);
  },
  /** Writes a copy of a genuine entry with other text under a new id (a forgery). */
  forgeAltered(newId: string, text: string): void {
    const genuine = session?.log.entries()[0];
    if (!genuine) throw new Error('forgeAltered: nothing to copy');
    session?.doc.getMap(MESSAGES_ROOT).set(newId, {
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
    if (!session || !signer) throw new Error('turnHostile: open a room first');
    session.log.destroy();
    hostile ??= new HostilePeer(session.roomId, signer, session.doc);
  },
  /** As a hostile member: replaces the text of every entry and every batch by its own. */
  async rewriteHistory(suffix: string): Promise<void> {
    await hostile?.rewriteHistory((old) => `${old}${suffix}`);
  },
  /** As a hostile member: writes `bytes` under a root the schema does not have. */
  writeOtherRoot(bytes: number): void {
    hostile?.writeOtherRoot(bytes);
  },
  /** The size of this tab's whole document, encoded, in bytes. */
  documentBytes(): number {
    return session ? Y.encodeStateAsUpdate(session.doc).byteLength : 0;
  },
  /** As a hostile member: deletes every key of the log. */
  deleteHistory(): void {
    hostile?.deleteKeys();
  },
  /** The texts under the document's entry keys now (one per key), whatever they are. */
  documentTexts(): string[] {
    const texts: string[] = [];
    // Read from the document itself (a hostile page's log is gone: turnHostile), one text per
    // key: two honest peers may write the same entry back, each into its own page.
    const seen = new Set<string>();
    for (const map of session ? entryMaps(session.doc) : []) {
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
    return session?.awareness.clientID ?? -1;
  },
  /** The users whose sessions this tab's presence counts now. */
  presentUsers(): string[] {
    return [...new Set(session?.presence.sessions().map((s) => s.userId))].sort();
  },
  /** The sessions of this tab's own awareness state (what it sends as itself). */
  ownCardSessions(): unknown {
    return session?.awareness.getLocalState()?.sessions;
  },
  /** As a hostile member: an attack on presence (see hostilePresence.ts). */
  attackPresence(attack: PresenceAttack): number {
    return session ? attackPresence(session, attack) : 0;
  },
  /** What this tab's presence gate refused and let in. */
  gateStats(): Record<string, number> {
    return { ...(session ? gateStats(session) : undefined) };
  },
  /**
   * Makes every send on this tab's data channels vanish silently while `drop` holds (a lost
   * update; with the channels left "open", a link that carries nothing).
   */
  dropSends(drop: boolean): void {
    const room = session?.network.provider?.room as unknown as {
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
  /** The mesh's view: neighbours, links found dead, bytes by kind. */
  mesh(): unknown {
    const node = session?.network.mesh?.node;
    return node
      ? {
          neighbours: node.neighbours(),
          live: node.liveNeighbours(),
          dead: node.liveness.dead,
          malformed: node.malformed,
          traffic: { ...node.traffic },
        }
      : undefined;
  },
  close(): void {
    void session?.destroy();
  },
  /** Closes the room and waits until its state is written to IndexedDB. */
  async shutdown(): Promise<void> {
    const persistence = session?.persistence;
    void session?.destroy();
    await persistence?.destroy();
  },
};

declare global {
  interface Window {
    harness: typeof harness;
  }
}
window.harness = harness;
