import * as encoding from 'lib0/encoding';
import { writeSyncStep1 } from 'y-protocols/sync';
import type * as Y from 'yjs';

/** y-webrtc's message type for sync messages on a data channel. */
const MESSAGE_SYNC = 0;

/** The part of a y-webrtc connection anti-entropy needs. */
export interface SyncablePeer {
  readonly connected: boolean;
  readonly peer: { send(data: Uint8Array): void };
}

/**
 * Sends our state vector to every connected peer. Each answers with exactly what we lack (sync
 * step 2), and y-webrtc already answers their step 1 the same way. y-webrtc itself syncs only
 * when a connection opens, so an update lost on the way would otherwise stay lost until a
 * reconnect; doing this periodically repairs it. The cost is a state vector (a few bytes per
 * writer) per peer per round.
 */
export function sendStateVector(doc: Y.Doc, peers: Iterable<SyncablePeer>): number {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  writeSyncStep1(encoder, doc);
  const message = encoding.toUint8Array(encoder);
  let sent = 0;
  for (const conn of peers) {
    if (!conn.connected) continue;
    try {
      conn.peer.send(message);
      sent += 1;
    } catch {
      // A connection closing under us: the next round or the reconnect covers it.
    }
  }
  return sent;
}
