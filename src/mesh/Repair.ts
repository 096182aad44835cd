import * as Y from 'yjs';
import type { RecentUpdates } from './RecentUpdates';
import { raiseByCarried } from './updateNews';
import type { ClockEntry, MeshMessage } from './wire';

/**
 * What a peer sends a neighbour that missed something: the recent updates after the ids it
 * names (a graft), or the difference to its state vector (a newcomer, anti-entropy, a resync).
 */
export class Repair {
  constructor(
    private readonly doc: Y.Doc,
    private readonly send: (peer: string, message: MeshMessage) => boolean,
    private readonly recent: RecentUpdates,
    private readonly carried: (
      peer: string,
    ) => ReadonlyMap<number, { readonly clock: number; readonly end: number }> | undefined,
  ) {}

  answerGraft(from: string, entries: readonly ClockEntry[]): void {
    if (entries.length === 0) return; // Only "push to me again".
    const found = this.recent.after(entries);
    if (found) {
      this.send(from, { type: 'diff', update: found });
    } else {
      // Not among the recent updates: fall back to a full state-vector exchange.
      this.sendStateVector(from, true);
    }
  }

  answerStateVector(from: string, stateVector: Uint8Array, askBack: boolean): void {
    let update: Uint8Array;
    try {
      update = Y.encodeStateAsUpdate(this.doc, this.withCarried(from, stateVector));
    } catch {
      return;
    }
    // An update with nothing in it encodes as two zero bytes: not worth a message.
    if (update.byteLength > 2) this.send(from, { type: 'diff', update });
    if (askBack) this.sendStateVector(from, false);
  }

  sendStateVector(peer: string, askBack: boolean): void {
    this.send(peer, { type: 'sv', stateVector: Y.encodeStateVector(this.doc), askBack });
  }

  /**
   * `stateVector` raised by what the link already carries to `peer`: a newcomer still applying
   * the room that its connection-time sync sent in pieces asks again (anti-entropy, a graft it
   * cannot be answered from recent updates) and would otherwise be sent the room twice.
   */
  private withCarried(peer: string, stateVector: Uint8Array): Uint8Array {
    return raiseByCarried(stateVector, this.carried(peer));
  }
}
