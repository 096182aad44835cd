// Messages published to a room's signaling topic, read and written as y-webrtc does, through
// its internals (pinned; yInternals.test.ts checks them).
import * as buffer from 'lib0/buffer';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { WebrtcProvider } from 'y-webrtc';
import { signalingClients, type MeshRoom, type SignalingClient } from './meshRoom';
import { decryptRoom, encryptRoom } from './roomCrypto';

/** Publishes `data` to the room's signaling topic, encrypted as y-webrtc does. */
export async function publishToRoom(
  provider: WebrtcProvider,
  room: MeshRoom,
  data: Record<string, unknown>,
): Promise<void> {
  let payload: unknown = data;
  if (room.key) {
    const e = encoding.createEncoder();
    encoding.writeAny(e, data as { [key: string]: encoding.AnyEncodable });
    payload = buffer.toBase64(await encryptRoom(encoding.toUint8Array(e), room.key));
  }
  for (const conn of signalingClients(provider)) {
    if (conn.connected) conn.send({ type: 'publish', topic: room.name, data: payload });
  }
}

/**
 * Calls `listener` with every message published to the room's topic (decrypted), besides
 * y-webrtc's own handling of them. Returns a function that stops listening.
 */
export function onRoomPublish(
  provider: WebrtcProvider,
  room: MeshRoom,
  listener: (data: Record<string, unknown>) => void,
): () => void {
  const listening = followRoomPublish(provider, room, listener);
  return () => listening.stop();
}

/**
 * As onRoomPublish, and `follow()` listens on signaling connections made since: y-webrtc
 * closes a page's connection when its last room disconnects and opens a new one when a room
 * connects again, so a listener on the old one would hear nothing of the room from then on.
 */
export function followRoomPublish(
  provider: WebrtcProvider,
  room: MeshRoom,
  listener: (data: Record<string, unknown>) => void,
): { follow(): void; stop(): void } {
  const handler = (message: unknown): void => {
    const m = message as { type?: unknown; topic?: unknown; data?: unknown } | null;
    if (m?.type !== 'publish' || m.topic !== room.name) return;
    const deliver = (data: unknown): void => {
      if (data !== null && typeof data === 'object') listener(data as Record<string, unknown>);
    };
    if (!room.key) {
      deliver(m.data);
    } else if (typeof m.data === 'string') {
      decryptRoom(buffer.fromBase64(m.data), room.key).then(
        (bytes) => deliver(decoding.readAny(decoding.createDecoder(bytes))),
        () => undefined, // Not for this password: someone else's room of the same name.
      );
    }
  };
  const clients = new Set<SignalingClient>();
  const follow = (): void => {
    for (const conn of signalingClients(provider)) {
      if (clients.has(conn)) continue;
      clients.add(conn);
      conn.on('message', handler);
    }
  };
  follow();
  return {
    follow,
    stop: () => {
      for (const conn of clients) conn.off('message', handler);
      clients.clear();
    },
  };
}

/** A y-webrtc signaling connection as guardRoomSignaling patches it (lib0's Observable). */
interface EmittingClient {
  emit(name: string, args: unknown[]): void;
}

/** The rooms of this page whose signaling messages are checked, by topic. */
const guards = new Map<string, { readonly key: CryptoKey | null; unreadable(): void }>();
const guardedClients = new WeakSet<object>();

/** Whether `data`, published to a room's topic, is something `key` opens. */
async function readable(data: unknown, key: CryptoKey | null): Promise<boolean> {
  // A room without a password reads plain objects; another password's messages are strings.
  if (!key) return data !== null && typeof data === 'object';
  if (typeof data !== 'string') return false;
  try {
    await decryptRoom(buffer.fromBase64(data), key);
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks, before y-webrtc sees them, the messages of `room`'s signaling topic: one that the
 * room's key cannot open (another password's, or damaged) goes to `unreadable` and no
 * further. y-webrtc would decrypt it with no error handler, an uncaught OperationError per
 * message. Messages keep their order. Returns a function that stops checking this room.
 */
export function guardRoomSignaling(
  provider: WebrtcProvider,
  room: MeshRoom,
  unreadable: () => void,
): () => void {
  const guard = { key: room.key, unreadable };
  guards.set(room.name, guard);
  for (const client of signalingClients(provider)) guardClient(client as unknown as EmittingClient);
  return () => {
    if (guards.get(room.name) === guard) guards.delete(room.name);
  };
}

/**
 * Routes a signaling connection's published messages for guarded rooms through the check.
 * The connection is shared by every room of the page, so it is patched once; other rooms'
 * messages and other events pass straight through.
 */
function guardClient(client: EmittingClient): void {
  if (guardedClients.has(client)) return;
  guardedClients.add(client);
  const emit = client.emit.bind(client);
  // Checks finish in any order; messages go on in the order they came.
  let queue = Promise.resolve();
  client.emit = (name, args) => {
    const m = (name === 'message' ? args[0] : undefined) as
      { type?: unknown; topic?: unknown; data?: unknown } | null | undefined;
    const guard =
      m?.type === 'publish' && typeof m.topic === 'string' ? guards.get(m.topic) : undefined;
    if (!m || !guard) {
      emit(name, args);
      return;
    }
    const check = readable(m.data, guard.key);
    queue = queue
      .then(() => check)
      .then((ok) => (ok ? emit(name, args) : guard.unreadable()))
      .catch((error: unknown) => console.error('MeshChat: a signaling message failed', error));
  };
}
