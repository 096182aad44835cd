// y-webrtc internals the mesh (src/mesh) drives: it takes over y-webrtc's topology and update
// flooding. Pinned like the rest (see yInternals.ts); yInternals.test.ts checks them.
import * as bc from 'lib0/broadcastchannel';
import * as encoding from 'lib0/encoding';
import type { WebrtcProvider } from 'y-webrtc';
import * as syncProtocol from 'y-protocols/sync';
import type * as Y from 'yjs';
import { encryptRoom } from './roomCrypto';
import type { ProviderConn, ProviderRoom } from './yInternals';
import { providerRoom } from './yInternals';

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
    getLocalState(): unknown;
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
 * own changes still go at once, unless `holdOwn(its state)` says they may wait (while a burst
 * flows, a tab's ack card changes with every few messages); peers' changes, and held own
 * ones, are gathered for `delayMs` (read at the first change of each gathering) and relayed as
 * one update per link. Returns a function that sends what is gathered and restores y-webrtc's
 * own relaying.
 */
export function gatherRelayedAwareness(
  room: MeshRoom,
  delayMs: number | (() => number),
  holdOwn: (state: unknown) => boolean = () => false,
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
    if (pending.has(awareness.clientID) && !holdOwn(awareness.getLocalState())) flush();
    else timer ??= setTimeout(flush, typeof delayMs === 'number' ? delayMs : delayMs());
  };
  awareness.off('update', relay);
  awareness.on('update', gather);
  return () => {
    awareness.off('update', gather);
    flush();
    awareness.on('update', relay);
  };
}
