import type * as Y from 'yjs';
import { Dissemination } from './Dissemination';
import type { DisseminationOptions } from './disseminationOptions';
import { Liveness, type LivenessOptions } from './Liveness';
import { PresenceGossip } from './PresenceGossip';
import { Topology, type TopologyOptions } from './Topology';
import type { MeshDiscovery, MeshEnv, MeshLink, MeshTraffic } from './ports';
import { decodeMessage, encodeMessage, type MeshMessage } from './wire';

export interface MeshNodeOptions {
  readonly topology?: Partial<TopologyOptions>;
  readonly dissemination?: Partial<DisseminationOptions>;
  readonly liveness?: Partial<LivenessOptions>;
  /** Runs quiet presence with this member id (the simulation; the app keeps awareness). */
  readonly presenceMember?: number;
}

/** Update frames kept for the neighbours that push the same update next (see encode). */
const ENCODED_KEPT = 8;

const PAYLOAD = new Set<MeshMessage['type']>(['update', 'diff']);
const PRESENCE = new Set<MeshMessage['type']>(['beats', 'stateWant', 'states']);

/**
 * One peer's mesh in one room: the links it holds, who else to connect to (Topology), how
 * updates spread (Dissemination), which links still carry data (Liveness), and optionally
 * quiet presence (PresenceGossip). Its owner reports links opening and closing and frames
 * arriving, and calls `tick()` about once a second; the owner is y-webrtc in the app and the
 * simulated network in the simulation, which therefore both run this same code.
 */
export class MeshNode {
  readonly topology: Topology;
  readonly dissemination: Dissemination;
  readonly liveness: Liveness;
  readonly presence: PresenceGossip | undefined;
  readonly traffic: MeshTraffic = {
    payloadSent: 0,
    payloadReceived: 0,
    controlSent: 0,
    controlReceived: 0,
    presenceSent: 0,
    presenceReceived: 0,
  };
  /** Frames from neighbours that did not decode. */
  malformed = 0;
  private readonly links = new Map<string, MeshLink>();
  /** Frames of the updates pushed last (see encode); few, so that none outlives its sends. */
  private readonly encoded: { update: Uint8Array; hops: number; bytes: Uint8Array }[] = [];
  private destroyed = false;

  constructor(
    readonly self: string,
    doc: Y.Doc,
    env: MeshEnv,
    discovery: MeshDiscovery,
    options: MeshNodeOptions = {},
  ) {
    this.topology = new Topology(
      self,
      env,
      discovery,
      {
        close: (peer, refer) => {
          if (refer && refer.length > 0) this.send(peer, { type: 'refer', peers: refer });
          this.closeLink(peer);
        },
        shareNeighbours: (peers) => {
          for (const peer of this.links.keys()) this.send(peer, { type: 'neighbours', peers });
        },
      },
      options.topology,
    );
    this.dissemination = new Dissemination(
      doc,
      env,
      (peer, message) => this.send(peer, message),
      (peer) => this.links.get(peer)?.bufferedAmount ?? 0,
      options.dissemination,
      (peer) => this.links.get(peer)?.carried?.(),
    );
    this.liveness = new Liveness(
      env,
      (peer, nonce) => this.send(peer, { type: 'ping', nonce }),
      (peer) => this.closeLink(peer),
      options.liveness,
    );
    this.presence =
      options.presenceMember === undefined
        ? undefined
        : new PresenceGossip(options.presenceMember, env, (peer, message) =>
            this.send(peer, message),
          );
  }

  /** Neighbours with an open link. */
  neighbours(): string[] {
    return [...this.links.keys()];
  }

  /** Neighbours heard from recently: what the status line should count as connected. */
  liveNeighbours(): number {
    return [...this.links.keys()].filter((peer) => this.liveness.isFresh(peer)).length;
  }

  /** Whether a connection to `peer` is wanted now (an announce or an offer from it). */
  wants(peer: string, explore: boolean): boolean {
    return !this.destroyed && this.topology.wants(peer, explore);
  }

  onAnnounce(from: string, explore: boolean, attempt = 1): void {
    if (!this.destroyed) this.topology.onAnnounce(from, explore, attempt);
  }

  /** `from` asked this peer to dial it (see Topology.onInvite). */
  onInvite(from: string): void {
    if (!this.destroyed) this.topology.onInvite(from);
  }

  /** A link opened. It may be refused (the node is full): then it is closed at once. */
  linkOpened(link: MeshLink): void {
    if (this.destroyed) {
      link.close();
      return;
    }
    const old = this.links.get(link.remote);
    if (old && old !== link) this.forget(link.remote);
    const verdict = this.topology.onLinkOpen(link.remote);
    this.links.set(link.remote, link);
    if (!verdict.accept) {
      this.send(link.remote, { type: 'refer', peers: verdict.refer });
      this.closeLink(link.remote);
      return;
    }
    this.liveness.add(link.remote);
    this.dissemination.addNeighbour(link.remote);
    this.presence?.addNeighbour(link.remote);
  }

  /** A link closed (either side closed it, or it failed). */
  linkClosed(remote: string, link?: MeshLink): void {
    if (link && this.links.get(remote) !== link) return;
    if (!this.links.has(remote)) return;
    this.forget(remote);
  }

  /** A mesh frame arrived from `remote`. */
  receive(remote: string, bytes: Uint8Array): void {
    if (this.destroyed || !this.links.has(remote)) return;
    this.liveness.alive(remote);
    const message = decodeMessage(bytes);
    if (!message) {
      this.malformed += 1;
      return;
    }
    const kind = PAYLOAD.has(message.type)
      ? 'payload'
      : PRESENCE.has(message.type)
        ? 'presence'
        : 'control';
    this.traffic[`${kind}Received`] += bytes.byteLength;
    switch (message.type) {
      case 'ping':
        this.send(remote, { type: 'pong', nonce: message.nonce });
        break;
      case 'pong':
        break;
      case 'neighbours':
        this.topology.onNeighbours(remote, message.peers);
        break;
      case 'refer':
        this.topology.onRefer(message.peers);
        break;
      case 'beats':
      case 'stateWant':
      case 'states':
        this.presence?.receive(remote, message);
        break;
      default:
        this.dissemination.receive(remote, message);
    }
  }

  /** Something other than a mesh frame arrived from `remote` (y-webrtc's own sync). */
  heard(remote: string): void {
    this.liveness.alive(remote);
  }

  tick(): void {
    if (this.destroyed) return;
    this.liveness.tick();
    this.topology.tick();
    this.dissemination.tick();
    this.presence?.tick();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.dissemination.destroy();
    for (const link of this.links.values()) link.close();
    this.links.clear();
  }

  private send(peer: string, message: MeshMessage): boolean {
    const link = this.links.get(peer);
    if (!link) return false;
    const bytes = this.encode(message);
    try {
      link.send(bytes);
    } catch {
      return false; // Closing under us: its close event follows.
    }
    const kind = PAYLOAD.has(message.type)
      ? 'payload'
      : PRESENCE.has(message.type)
        ? 'presence'
        : 'control';
    this.traffic[`${kind}Sent`] += bytes.byteLength;
    return true;
  }

  /**
   * The frame of `message`: an update pushed to several neighbours (the same bytes, as far
   * as the same hop count) is encoded once, and its links see the same bytes, which the app's
   * channels then compress once (ChunkedDataChannel.sendSide's `shared`).
   */
  private encode(message: MeshMessage): Uint8Array {
    if (message.type !== 'update') return encodeMessage(message);
    const { update, hops } = message;
    const known = this.encoded.find((e) => e.update === update && e.hops === hops);
    if (known) return known.bytes;
    const bytes = encodeMessage(message);
    this.encoded.push({ update, hops, bytes });
    if (this.encoded.length > ENCODED_KEPT) this.encoded.shift();
    return bytes;
  }

  private closeLink(peer: string): void {
    const link = this.links.get(peer);
    this.forget(peer);
    link?.close();
  }

  private forget(peer: string): void {
    this.links.delete(peer);
    this.liveness.remove(peer);
    this.dissemination.removeNeighbour(peer);
    this.presence?.removeNeighbour(peer);
    this.topology.onLinkClosed(peer);
  }
}
