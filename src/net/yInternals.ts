// Every access this app makes to parts of y-webrtc and Yjs that their typings do not export.
// They are pinned to exact versions in package.json; yInternals.test.ts fails when an upgrade
// moves or renames any of them, so the breakage shows in the tests, not in a user's room.
import * as bc from 'lib0/broadcastchannel';
import * as buffer from 'lib0/buffer';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { WebrtcProvider } from 'y-webrtc';
import * as syncProtocol from 'y-protocols/sync';
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
  // Yjs keeps each key's current item in `_map`.
  const item = (map as unknown as { _map: Map<string, { id: Y.ID }> })._map.get(key);
  return item ? { client: item.id.client, clock: item.id.clock } : undefined;
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

// ---- The mesh (src/mesh) takes over y-webrtc's topology and update flooding. ----

/** A y-webrtc connection as the mesh drives it. */
export interface MeshConn extends ProviderConn {
  readonly remotePeerId: string;
  destroy(): void;
}

/** The room fields the mesh reads or replaces. */
export interface MeshRoom extends ProviderRoom {
  readonly peerId: string;
  readonly key: CryptoKey | null;
  readonly webrtcConns: Map<string, MeshConn>;
  /** y-webrtc's doc 'update' listener: sends every update to every peer and to the tabs. */
  _docUpdateHandler: (update: Uint8Array, origin: unknown) => void;
  /** y-webrtc's awareness 'update' listener: sends the changed states to every peer and tab. */
  readonly _awarenessUpdateHandler: (changes: AwarenessChanges, origin: unknown) => void;
  readonly awareness: {
    readonly clientID: number;
    on(event: 'update', listener: (changes: AwarenessChanges, origin: unknown) => void): void;
    off(event: 'update', listener: (changes: AwarenessChanges, origin: unknown) => void): void;
  };
}

/** Which awareness clients an update added, changed or removed. */
export interface AwarenessChanges {
  readonly added: number[];
  readonly updated: number[];
  readonly removed: number[];
}

/** A y-webrtc signaling connection (lib0 WebsocketClient, shared by the rooms of a page). */
export interface SignalingClient {
  readonly connected: boolean;
  send(message: object): void;
  on(event: 'message' | 'connect', listener: (message: unknown) => void): void;
  off(event: 'message' | 'connect', listener: (message: unknown) => void): void;
}

export function meshRoom(provider: WebrtcProvider | undefined): MeshRoom | undefined {
  return providerRoom(provider) as MeshRoom | undefined;
}

export function signalingClients(provider: WebrtcProvider): SignalingClient[] {
  return provider.signalingConns as SignalingClient[];
}

/**
 * Stops y-webrtc from choosing links: it dials an announcer, and announces itself when a link
 * closes, only while it has fewer than `maxConns` links. (It still answers offers, and still
 * announces once when its signaling connection opens; the mesh decides what stays.)
 */
export function handOverTopology(provider: WebrtcProvider): void {
  provider.maxConns = 0;
}

/**
 * The data channel simple-peer sends on for `conn` (simple-peer's private `_channel`): the
 * one whose traffic is this connection's. After an offer collision a peer may hold another.
 */
export function connChannel(conn: MeshConn): unknown {
  return (conn as unknown as { peer?: { _channel?: unknown } }).peer?._channel;
}

/** y-webrtc's WebrtcConn constructor (from the lazily loaded stack). */
export type WebrtcConnClass = new (
  signaling: SignalingClient,
  initiator: boolean,
  remotePeerId: string,
  room: MeshRoom,
) => MeshConn;

/** Dials `peer` the way y-webrtc dials an announcer. False if there is no signaling open. */
export function dialPeer(
  WebrtcConn: WebrtcConnClass,
  provider: WebrtcProvider,
  room: MeshRoom,
  peer: string,
): boolean {
  if (room.webrtcConns.has(peer)) return true;
  const signaling = signalingClients(provider).find((conn) => conn.connected);
  if (!signaling) return false;
  room.webrtcConns.set(peer, new WebrtcConn(signaling, true, peer, room));
  return true;
}

/** y-webrtc's encryption of room data (its crypto.js): AES-GCM over a lib0 frame. */
export async function encryptRoom(data: Uint8Array, key: CryptoKey | null): Promise<Uint8Array> {
  if (!key) return data;
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const cipher = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, new Uint8Array(data));
  const e = encoding.createEncoder();
  encoding.writeVarString(e, 'AES-GCM');
  encoding.writeVarUint8Array(e, iv);
  encoding.writeVarUint8Array(e, new Uint8Array(cipher));
  return encoding.toUint8Array(e);
}

/** Opens what {@link encryptRoom} (and y-webrtc's crypto.js) made; throws for another key. */
export async function decryptRoom(data: Uint8Array, key: CryptoKey | null): Promise<Uint8Array> {
  if (!key) return data;
  const d = decoding.createDecoder(data);
  if (decoding.readVarString(d) !== 'AES-GCM') throw new Error('unknown room encryption');
  const iv = new Uint8Array(decoding.readVarUint8Array(d));
  const cipher = decoding.readVarUint8Array(d);
  return new Uint8Array(
    await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, key, new Uint8Array(cipher)),
  );
}

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

/**
 * Makes the room send document updates only to the other tabs of this browser (over the
 * BroadcastChannel, as y-webrtc does), not to every WebRTC peer: the mesh spreads them.
 * Connection-time sync (y-webrtc's sync steps 1 and 2) is unchanged.
 */
export function sendUpdatesOnlyToTabs(doc: Y.Doc, room: MeshRoom): void {
  doc.off('update', room._docUpdateHandler);
  room._docUpdateHandler = (update: Uint8Array) => {
    if (!room.bcconnected) return;
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0); // y-webrtc's messageSync
    syncProtocol.writeUpdate(e, update);
    void encryptRoom(encoding.toUint8Array(e), room.key).then((data) =>
      room.mux(() => bc.publish(room.name, data)),
    );
  };
  doc.on('update', room._docUpdateHandler);
}

/**
 * y-webrtc relays every awareness change it applies to every link at once, a frame per change:
 * in a mesh each peer's renewal then crosses every link of the room, one frame each. This tab's
 * own changes still go at once; peers' changes are gathered for `delayMs` (read at the first
 * change of each gathering) and relayed as one update per link. Returns a function that
 * restores y-webrtc's own relaying.
 */
export function gatherRelayedAwareness(
  room: MeshRoom,
  delayMs: number | (() => number),
): () => void {
  const { awareness } = room;
  const relay = room._awarenessUpdateHandler;
  const pending = new Set<number>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (pending.size === 0) return;
    const clients = [...pending];
    pending.clear();
    relay({ added: [], updated: clients, removed: [] }, 'relay');
  };
  const gather = ({ added, updated, removed }: AwarenessChanges): void => {
    for (const client of added) pending.add(client);
    for (const client of updated) pending.add(client);
    for (const client of removed) pending.add(client);
    if (pending.has(awareness.clientID)) flush();
    else timer ??= setTimeout(flush, typeof delayMs === 'number' ? delayMs : delayMs());
  };
  awareness.off('update', relay);
  awareness.on('update', gather);
  return () => {
    awareness.off('update', gather);
    if (timer !== undefined) clearTimeout(timer);
    awareness.on('update', relay);
  };
}

// ---- Signaling reconnects: jittered, instead of lib0's lockstep backoff. ----

/** lib0's WebsocketClient (y-webrtc's SignalingConn) as the reconnect jitter drives it. */
interface ReconnectingClient {
  ws: unknown;
  shouldConnect: boolean;
  readonly connected: boolean;
  connect(): void;
  disconnect(): void;
  on(event: 'connect', listener: () => void): void;
}

export interface ReconnectJitterOptions {
  /** The wait before the next attempt after `failures` failed ones (reconnectDelay). */
  readonly delay: (failures: number) => number;
  /** Runs `run` once after `ms`; returns the cancel function (default setTimeout). */
  readonly after?: (ms: number, run: () => void) => () => void;
  readonly now?: () => number;
}

/** A connection that stayed up this long counts as a success: the backoff starts over. */
const STABLE_MS = 10_000;

const jittered = new WeakSet<object>();

const timeoutAfter = (ms: number, run: () => void): (() => void) => {
  const timer = setTimeout(run, ms);
  return () => clearTimeout(timer);
};

/**
 * Makes the provider's signaling connections reconnect after `options.delay` instead of
 * lib0's fixed schedule (y-webrtc's SignalingConn is a lib0 WebsocketClient, shared by every
 * room of the page that uses its URL; each is taken over once). lib0 schedules its own
 * attempt inside the socket's close handler, right after it sets `ws` to null: at that moment
 * `shouldConnect` is turned off, so lib0's attempt does nothing, and `connect()` runs after
 * the jittered delay. An explicit disconnect() (a room leaving, the page closing) cancels the
 * pending attempt. Call it once the provider has connected (after its key has settled).
 */
export function jitterSignalingReconnects(
  provider: WebrtcProvider,
  options: ReconnectJitterOptions,
): void {
  for (const conn of provider.signalingConns as unknown as ReconnectingClient[]) {
    if (jittered.has(conn)) continue;
    jittered.add(conn);
    takeOverReconnects(conn, options);
  }
}

function takeOverReconnects(conn: ReconnectingClient, options: ReconnectJitterOptions): void {
  const after = options.after ?? timeoutAfter;
  const now = options.now ?? Date.now;
  let failures = 0;
  let connectedAt: number | undefined;
  let cancel: (() => void) | undefined;
  let socket = conn.ws;
  conn.on('connect', () => {
    connectedAt = now();
  });
  Object.defineProperty(conn, 'ws', {
    configurable: true,
    enumerable: true,
    get: () => socket,
    set: (value: unknown) => {
      socket = value;
      // Closed while it should stay connected: lib0 is about to schedule its own attempt.
      if (value !== null || !conn.shouldConnect) return;
      if (connectedAt !== undefined && now() - connectedAt >= STABLE_MS) failures = 0;
      connectedAt = undefined;
      conn.shouldConnect = false;
      cancel?.();
      const wait = options.delay(failures);
      failures += 1;
      cancel = after(wait, () => {
        cancel = undefined;
        conn.connect();
      });
    },
  });
  const disconnect = conn.disconnect.bind(conn);
  conn.disconnect = () => {
    cancel?.();
    cancel = undefined;
    disconnect();
  };
}
