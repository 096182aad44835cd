// Routed signaling: y-webrtc publishes every offer, answer and ICE candidate to the whole room,
// where every member decrypts it. Against a server that says it can route (src/server's hello),
// the room's publishes carry, in cleartext beside the still encrypted data, the sender's peer
// id (`from`), the target's (`to`, for signal messages and the mesh's invites) and, for the
// mesh's announces, a sample size: the server then sends an offer to its target alone and an
// announce to a few members. Against any other server nothing changes. Mesh rooms turn it on
// (WebrtcMesh) with routeRoomSignaling.
import * as buffer from 'lib0/buffer';
import * as decoding from 'lib0/decoding';
import type { WebrtcProvider } from 'y-webrtc';
import { type MeshRoom, signalingClients } from './meshRoom';
import { decryptRoom } from './roomCrypto';

/** How many other members hear one of the mesh's announces (the server caps it at 32). */
export const ANNOUNCE_SAMPLE = 16;

/** How long the server has to answer hello before the socket is taken to be a stock server's. */
const HELLO_TIMEOUT_MS = 5000;

/** The server's rule for peer ids in a route (src/server/protocol.ts: isPeerId). */
const PEER_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

const isPeerId = (value: unknown): value is string =>
  typeof value === 'string' && PEER_ID.test(value);

/** The route fields added to a publish. */
interface Route {
  readonly from: string;
  readonly to?: string;
  readonly sample?: number;
}

/** A y-webrtc signaling connection as the wrapper drives it (lib0's WebsocketClient). */
interface RoutingClient {
  readonly ws: unknown;
  readonly connected: boolean;
  send(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): void;
}

/** A routed room of this page. */
interface RoutedRoom {
  readonly key: CryptoKey | null;
  readonly peerId: string;
  /**
   * Shown to the server with each claim of the peer id, never to other members: after a
   * reconnect it gives the id back to this page while the server still holds the old socket.
   */
  readonly secret: string;
}

/** The rooms of this page whose publishes are routed, by topic. */
const routed = new Map<string, RoutedRoom>();
/** For each connection taken over: names a room's peer id to the server, if it routes. */
const claimers = new WeakMap<object, (topic: string, room: RoutedRoom) => void>();

/** 128 random bits, in letters and digits (the server takes 16 to 64 of `[A-Za-z0-9_-]`). */
const newSecret = (): string =>
  Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');

/**
 * Routes `room`'s publishes on the provider's signaling connections that support it. The
 * connections are shared by every room of the page, so each is taken over once; publishes of
 * other rooms pass unchanged. Returns a function that stops routing this room.
 */
export function routeRoomSignaling(
  provider: WebrtcProvider,
  room: MeshRoom,
): { follow(): void; stop(): void } {
  const entry: RoutedRoom = { key: room.key, peerId: room.peerId, secret: newSecret() };
  routed.set(room.name, entry);
  // y-webrtc opens a new connection when a room connects again after its page's last one closed.
  const followed = new WeakSet<object>();
  const follow = (): void => {
    for (const client of signalingClients(provider)) {
      if (followed.has(client)) continue;
      followed.add(client);
      takeOver(client as unknown as RoutingClient);
      claimers.get(client)?.(room.name, entry);
    }
  };
  follow();
  return {
    follow,
    stop: () => {
      if (routed.get(room.name) === entry) routed.delete(room.name);
    },
  };
}

/**
 * The route of a room publish: from its decrypted data, `from` for any message that names its
 * sender, `to` for signal messages, `sample` for the mesh's announces (not the announce y-webrtc
 * makes on connecting, nor one meant for a peer). Null when there is nothing to add.
 */
export async function routeOf(data: unknown, key: CryptoKey | null): Promise<Route | null> {
  let plain: unknown = data;
  if (key) {
    if (typeof data !== 'string') return null;
    try {
      plain = decoding.readAny(
        decoding.createDecoder(await decryptRoom(buffer.fromBase64(data), key)),
      );
    } catch {
      return null; // Not something this room's key opens: sent as it is.
    }
  }
  if (plain === null || typeof plain !== 'object') return null;
  const m = plain as { type?: unknown; from?: unknown; to?: unknown; mesh?: unknown };
  if (!isPeerId(m.from)) return null;
  if (m.type === 'signal' || m.type === 'mesh-dial') {
    return isPeerId(m.to) ? { from: m.from, to: m.to } : { from: m.from };
  }
  if (m.type === 'announce' && m.mesh === 1 && m.to === undefined) {
    return { from: m.from, sample: ANNOUNCE_SAMPLE };
  }
  return { from: m.from };
}

/**
 * Wraps the connection's send. On each new socket it first sends hello and a ping: this
 * server answers the hello before the pong, a stock one only the ping. A routed room's
 * publishes wait for that answer (one round trip): sent before it, a joiner's first announce
 * would not name its peer id, so a member's offer to it would go to the whole room, and so
 * would its own invites to dial. When the answer says the server routes, each routed room
 * names its peer id at once (`sample: 0`, delivered to no one) with the room's secret, ahead
 * of what waits, so offers to it are routed from then on, to this socket even if the server
 * has not yet dropped an earlier one. Routed publishes wait for their decryption, and what is
 * sent after one waits for it too, so the order is kept (an offer before its candidates, a
 * publish before an unsubscribe).
 */
function takeOver(client: RoutingClient): void {
  if (claimers.has(client)) return;
  const send = client.send.bind(client);
  let socket: unknown = null;
  let routes = false;
  let asking = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let queue: Promise<void> = Promise.resolve();
  let waiting = 0;
  let answered = (): void => undefined;
  let answer: Promise<void> = Promise.resolve();
  const claim = (topic: string, room: RoutedRoom): void => {
    // Straight to the socket: ahead of the publishes that wait for the answer.
    if (routes) send({ type: 'publish', topic, from: room.peerId, sample: 0, secret: room.secret });
  };
  claimers.set(client, claim);
  const decide = (supported: boolean): void => {
    clearTimeout(timer);
    asking = false;
    routes = supported;
    for (const [topic, room] of routed) claim(topic, room);
    answered();
  };
  client.on('message', (message) => {
    const m = message as { type?: unknown; features?: unknown } | null;
    if (!asking || client.ws !== socket) return;
    if (m?.type === 'hello') decide(Array.isArray(m.features) && m.features.includes('route'));
    // A pong before the hello answer: the server ignored the hello. (A pong to one of lib0's
    // own pings sent just before would be read the same way: that socket then stays unrouted.)
    else if (m?.type === 'pong') decide(false);
  });
  const ask = (): void => {
    socket = client.ws;
    routes = false;
    asking = true;
    answer = new Promise((resolve) => (answered = resolve));
    clearTimeout(timer);
    timer = setTimeout(() => decide(false), HELLO_TIMEOUT_MS);
    send({ type: 'hello' });
    send({ type: 'ping' });
  };
  client.send = (message: unknown) => {
    if (client.ws !== socket && client.connected) ask();
    const m = message as { type?: unknown; topic?: unknown; data?: unknown } | null;
    const room =
      m?.type === 'publish' && typeof m.topic === 'string' ? routed.get(m.topic) : undefined;
    if (waiting === 0 && (room === undefined || (!routes && !asking))) {
      send(message);
      return;
    }
    waiting += 1;
    // Decrypting starts now, in parallel with the publishes before it and with the server's
    // answer; sending keeps the order.
    const route =
      room === undefined || (!routes && !asking)
        ? null
        : Promise.all([routeOf(m?.data, room.key), answer]).then(([found]) => found);
    queue = queue
      .then(() => route)
      .then((found) => send(found && routes ? { ...(message as object), ...found } : message))
      .catch((error: unknown) => console.error('MeshChat: a signaling message failed', error))
      .finally(() => {
        waiting -= 1;
      });
  };
}
