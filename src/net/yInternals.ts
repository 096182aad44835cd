// Parts of y-webrtc and Yjs that their typings do not export: the room and the Yjs store here;
// what the mesh drives in meshRoom.ts, the room's signaling topic in roomPublish.ts, signaling
// reconnects in signalingReconnect.ts. They are pinned to exact versions in package.json;
// yInternals.test.ts fails when an upgrade moves or renames any of them, so the breakage shows
// in the tests, not in a user's room.
import type { WebrtcProvider } from 'y-webrtc';
import type * as Y from 'yjs';

/** A y-webrtc connection to one peer (y-webrtc's WebrtcConn). */
export interface ProviderConn {
  readonly connected: boolean;
  readonly peer: { send(data: Uint8Array): void };
}

/** The parts of y-webrtc's Room that this app relies on. */
export interface ProviderRoom {
  /** The signaling topic. */
  readonly name: string;
  /** WebRTC connections by remote peer id. */
  readonly webrtcConns: Map<string, ProviderConn>;
  /** The other tabs of this room that announced themselves on the BroadcastChannel. */
  readonly bcConns: Set<string>;
  /** Read only where y-webrtc decides whether to send a doc or awareness update to the tabs. */
  bcconnected: boolean;
  /** y-webrtc's mutex: held while the room itself publishes to the channel. */
  readonly mux: (f: () => void, g?: () => void) => void;
  /** The room's BroadcastChannel subscriber. */
  _bcSubscriber: (data: ArrayBuffer) => unknown;
}

/** The provider's room, once its key has settled and it is connected; else undefined. */
export function providerRoom(provider: WebrtcProvider | undefined): ProviderRoom | undefined {
  return (provider?.room as unknown as ProviderRoom | null | undefined) ?? undefined;
}

/** Whether any of the provider's signaling connections is open. */
export function signalingConnected(provider: WebrtcProvider | undefined): boolean {
  const conns = (provider?.signalingConns ?? []) as { connected?: boolean }[];
  return conns.some((conn) => conn.connected === true);
}

/** The id of the Yjs item that holds `key`'s current value in `map`: who wrote it, and when. */
export function mapItemId<T>(
  map: Y.Map<T>,
  key: string,
): { readonly client: number; readonly clock: number } | undefined {
  // Yjs keeps each key's current item in `_map`. Its id is never changed once made: handed
  // out as it is (a sender asks again for each of its unacknowledged messages at every ack).
  return (map as unknown as { _map: Map<string, { id: Y.ID }> })._map.get(key)?.id;
}

/** The parts of a Yjs store that hold what waits for missing dependencies. */
interface PendingStore {
  pendingStructs: { update: Uint8Array } | null;
  pendingDs: Uint8Array | null;
}

/**
 * Yjs keeps the structs and deletions of updates whose dependencies have not arrived (a gap
 * in a client's clocks) in the doc's store, merged, until they do, with no limit; nothing else
 * counts them. Forgets them when together they pass `maxBytes`: they are not in the state
 * vector, so peers send them again together with what they depend on. Returns whether it did.
 */
export function forgetPendingOver(doc: Y.Doc, maxBytes: number): boolean {
  const store = doc.store as unknown as PendingStore;
  const bytes = (store.pendingStructs?.update.byteLength ?? 0) + (store.pendingDs?.byteLength ?? 0);
  if (bytes <= maxBytes) return false;
  store.pendingStructs = null;
  store.pendingDs = null;
  return true;
}
