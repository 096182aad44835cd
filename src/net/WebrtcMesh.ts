import type { WebrtcProvider } from 'y-webrtc';
import type * as Y from 'yjs';
import { MeshNode, type MeshNodeOptions } from '../mesh/MeshNode';
import { realEnv, type MeshLink } from '../mesh/ports';
import { channelBeingRead, type ChunkedDataChannel } from './ChunkedDataChannel';
import { routeRoomSignaling } from './targetedSignaling';
import {
  connChannel,
  dialPeer,
  gatherRelayedAwareness,
  handOverTopology,
  type MeshConn,
  type MeshRoom,
  sendUpdatesOnlyToTabs,
  type WebrtcConnClass,
} from './meshRoom';
import { followRoomPublish, publishToRoom } from './roomPublish';
import { BurstWatch, movedSince, relayDelayMs } from './relayDelay';

/** A signaling message asking its target to dial the sender (which has the larger id). */
const MESH_INVITE = 'mesh-dial';

/** First byte of a mesh frame among a data channel's side messages (RoomNetwork's tag). */
const SIDE_MESH = 1;

/** Mesh frames tagged for the data channels' side lane, by the frame (see linkFor). */
const taggedFrames = new WeakMap<Uint8Array, Uint8Array>();

function tagged(bytes: Uint8Array): Uint8Array {
  let framed = taggedFrames.get(bytes);
  if (!framed) {
    framed = new Uint8Array(bytes.byteLength + 1);
    framed[0] = SIDE_MESH;
    framed.set(bytes, 1);
    taggedFrames.set(bytes, framed);
  }
  return framed;
}

/**
 * The mesh (src/mesh) running over one y-webrtc room. y-webrtc keeps its signaling client, its
 * encryption, its connection-time sync and awareness; the mesh takes over who connects to whom
 * (y-webrtc's own dialing is switched off) and how updates spread (y-webrtc sends them only to
 * the tabs of this browser). Mesh frames travel as side messages on the chunked data channels.
 */
export class WebrtcMesh {
  readonly node: MeshNode;
  /** Open channels not yet matched to their connection. */
  private readonly unmatched = new Set<ChunkedDataChannel>();
  private readonly links = new Map<ChunkedDataChannel, MeshLink>();
  private readonly listening: { follow(): void; stop(): void };
  private readonly stopGathering: () => void;
  private readonly routing: { follow(): void; stop(): void };
  private readonly burst = new BurstWatch();

  constructor(
    provider: WebrtcProvider,
    private readonly room: MeshRoom,
    doc: Y.Doc,
    WebrtcConn: WebrtcConnClass,
    options: MeshNodeOptions = {},
  ) {
    handOverTopology(provider);
    sendUpdatesOnlyToTabs(doc, room);
    // Against a server that says it routes, offers go to their target alone (README).
    this.routing = routeRoomSignaling(provider, room);
    this.node = new MeshNode(
      room.peerId,
      doc,
      realEnv,
      {
        announce: (explore, attempt) => {
          void publishToRoom(provider, room, {
            type: 'announce',
            from: room.peerId,
            mesh: 1,
            ...(explore ? { explore: 1 } : { attempt }),
          }).catch(() => undefined);
        },
        // Two peers that dial each other at once cross their offers, and y-webrtc then
        // leaves each side sending on a channel the other ignores. So the peer with the
        // smaller id always dials; the other asks it to.
        dial: (peer) => {
          if (room.peerId < peer) {
            dialPeer(WebrtcConn, provider, room, peer);
            return;
          }
          void publishToRoom(provider, room, {
            type: MESH_INVITE,
            from: room.peerId,
            to: peer,
          }).catch(() => undefined);
        },
      },
      // y-webrtc already syncs each new connection (its sync steps 1 and 2); what its sync
      // answers apply is not sent back to the peer that answered.
      {
        ...options,
        dissemination: {
          syncOnOpen: false,
          sender: () => {
            const channel = channelBeingRead();
            return channel && this.links.get(channel)?.remote;
          },
          ...options.dissemination,
        },
      },
    );
    // Peers' presence changes are relayed together, longer while updates flow (relayDelay.ts).
    const busy = movedSince(() => this.node.traffic.payloadReceived);
    // While a burst flows, this tab's own card (its acks) waits for the gathering too; a card
    // that lists no session (a goodbye) or none at all never waits.
    this.stopGathering = gatherRelayedAwareness(
      room,
      () => relayDelayMs(provider.awareness.getStates().size, busy()),
      (state) => this.burst.flowing() && listsSessions(state),
    );
    this.listening = followRoomPublish(provider, room, (data) => {
      if (typeof data.from !== 'string' || data.from === room.peerId) return;
      if (data.type === MESH_INVITE) {
        if (data.to === room.peerId && room.peerId < data.from && data.from.length <= 64) {
          this.node.onInvite(data.from);
        }
        return;
      }
      if (data.type !== 'announce') return;
      if (data.from === room.peerId || room.bcConns.has(data.from) || data.to !== undefined) return;
      const attempt = typeof data.attempt === 'number' ? Math.min(10, data.attempt) : 1;
      this.node.onAnnounce(data.from, data.explore === 1, attempt);
    });
  }

  /** A data channel opened or closed (from chunkingPeerConnection). */
  channelState(channel: ChunkedDataChannel, open: boolean): void {
    if (open) {
      this.unmatched.add(channel);
      this.match();
      return;
    }
    this.unmatched.delete(channel);
    const link = this.links.get(channel);
    if (link) {
      this.links.delete(channel);
      this.node.linkClosed(link.remote, link);
    }
  }

  /** A side message tagged SIDE_MESH arrived on `channel` (the tag already removed). */
  receive(channel: ChunkedDataChannel, bytes: Uint8Array): void {
    this.match();
    const link = this.links.get(channel);
    // Only the channel simple-peer sends on counts: after an offer collision the other one
    // may still carry frames, while this connection's own traffic goes nowhere.
    if (!link) return;
    const payload = this.node.traffic.payloadReceived;
    this.node.receive(link.remote, bytes);
    if (this.node.traffic.payloadReceived !== payload) this.burst.arrived();
  }

  /** Called about once a second (a worker's timer, so hidden tabs keep it). */
  tick(): void {
    // A room that disconnected and connected again talks over a new signaling connection.
    this.listening.follow();
    this.routing.follow();
    this.match();
    this.node.tick();
  }

  destroy(): void {
    this.listening.stop();
    this.routing.stop();
    this.stopGathering();
    this.node.destroy();
  }

  /** Pairs open channels with their y-webrtc connections, which name the remote peer. */
  private match(): void {
    if (this.unmatched.size === 0) return;
    for (const conn of this.room.webrtcConns.values()) {
      const channel = connChannel(conn) as ChunkedDataChannel | undefined;
      if (!channel || !this.unmatched.has(channel)) continue;
      this.unmatched.delete(channel);
      const link = this.linkFor(conn, channel);
      this.links.set(channel, link);
      this.node.linkOpened(link);
    }
  }

  private linkFor(conn: MeshConn, channel: ChunkedDataChannel): MeshLink {
    return {
      remote: conn.remotePeerId,
      // The mesh never changes a frame it sent, and sends an update's frame to several
      // neighbours as the same bytes: tagged once, and compressed once for all of them.
      send: (bytes) => channel.sendSide(tagged(bytes), false, true),
      get bufferedAmount() {
        return channel.bufferedAmount;
      },
      close: () => conn.destroy(),
      carried: () => channel.carried(),
    };
  }
}

function listsSessions(state: unknown): boolean {
  const sessions = (state as { sessions?: unknown } | null)?.sessions;
  return Array.isArray(sessions) && sessions.length > 0;
}
