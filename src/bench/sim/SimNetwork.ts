import * as Y from 'yjs';
import { MeshNode, type MeshNodeOptions } from '../../mesh/MeshNode';
import type { MeshLink } from '../../mesh/ports';
import { decodeMessage } from '../../mesh/wire';
import type { VirtualTime } from './VirtualTime';

/** The simulated world's physics. CPU costs are those measured on this project's machines. */
export interface SimPhysics {
  /** One-way latency of a link, drawn once per link, uniformly (default 10-100 ms). */
  readonly latencyMs: readonly [number, number];
  /** Each peer's upload bandwidth, bytes per second (default 1 MB/s). */
  readonly uplinkBytesPerSec: number;
  /** Applying one new chat update (Yjs 13.6, ~140 B: 27 us). */
  readonly applyUs: number;
  /** Checking one new update's signature (Ed25519 in WebCrypto, measured ~200 us here). */
  readonly verifyUs: number;
  /** Recognising a duplicate by its ids (~9 us, the cost of a duplicate apply, an upper bound). */
  readonly duplicateUs: number;
  /** Handling any other frame. */
  readonly frameUs: number;
  /** Peers an announce reaches (the scaling signaling server's bounded random subset). */
  readonly announceFanout: number;
  /** Signaling server one-way latency, and the extra time ICE and DTLS take to open a link. */
  readonly signalingMs: number;
  readonly connectMs: number;
}

export const DEFAULT_PHYSICS: SimPhysics = {
  latencyMs: [10, 100],
  uplinkBytesPerSec: 1_000_000,
  applyUs: 27,
  verifyUs: 200,
  duplicateUs: 9,
  frameUs: 5,
  announceFanout: 8,
  signalingMs: 25,
  connectMs: 300,
};

/** One simulated peer: a real Y.Doc and a real MeshNode. */
export interface SimPeer {
  readonly id: string;
  readonly index: number;
  readonly doc: Y.Doc;
  readonly node: MeshNode;
  alive: boolean;
  /** Which side of a partition it is on (0 when there is none). */
  side: number;
  readonly joinedAt: number;
  cpuFreeAt: number;
  uplinkFreeAt: number;
  cpuBusyMs: number;
}

class SimLink implements MeshLink {
  queued = 0;
  open = true;
  /** Frames that left before this still arrive (a refusal's referral, say). */
  closedAt = Infinity;
  constructor(
    private readonly net: SimNetwork,
    readonly owner: SimPeer,
    readonly peer: SimPeer,
    readonly latency: number,
    readonly pair: string,
  ) {}

  get remote(): string {
    return this.peer.id;
  }

  get bufferedAmount(): number {
    return this.queued;
  }

  send(bytes: Uint8Array): void {
    if (!this.open) throw new Error('link closed');
    this.net.transmit(this, bytes);
  }

  close(): void {
    this.net.closePair(this.pair, this.owner);
  }
}

/**
 * A simulated network of mesh peers in virtual time: links with their own latency, each
 * peer's upload serialised at its bandwidth, each peer's CPU busy for the measured cost of
 * what it handles, a signaling server that forwards an announce to a few random peers and an
 * offer to its target, churn, and partitions. The peers run the real MeshNode over real Y.Docs.
 */
export class SimNetwork {
  readonly peers: SimPeer[] = [];
  readonly byId = new Map<string, SimPeer>();
  private readonly pairs = new Map<string, [SimLink, SimLink]>();
  private readonly connecting = new Set<string>();
  private partitioned = false;
  /** Called for every peer that is made (the scenario observes its doc). */
  onPeer: (peer: SimPeer) => void = () => undefined;
  /** Called after each peer's tick. */
  onTicked: (peer: SimPeer) => void = () => undefined;

  constructor(
    readonly time: VirtualTime,
    readonly physics: SimPhysics = DEFAULT_PHYSICS,
    private readonly nodeOptions: MeshNodeOptions = {},
  ) {}

  addPeer(): SimPeer {
    const index = this.peers.length;
    const id = `p${index}`;
    const doc = new Y.Doc();
    // Deterministic ids, so the same seed gives the same run.
    doc.clientID = index + 1;
    const env = this.time.env();
    const peer: SimPeer = {
      id,
      index,
      doc,
      alive: true,
      side: 0,
      joinedAt: this.time.now,
      cpuFreeAt: 0,
      uplinkFreeAt: 0,
      cpuBusyMs: 0,
      node: new MeshNode(
        id,
        doc,
        env,
        {
          announce: (explore, attempt) => this.announce(peer, explore, attempt),
          dial: (target) => this.dial(peer, target),
        },
        { ...this.nodeOptions, presenceMember: index + 1 },
      ),
    };
    this.peers.push(peer);
    this.byId.set(id, peer);
    this.onPeer(peer);
    // Ticks about once a second, each peer at its own phase.
    const tick = (): void => {
      if (!peer.alive) return;
      peer.node.tick();
      this.onTicked(peer);
      this.time.after(1000, tick);
    };
    this.time.after(this.time.random.next() * 1000, tick);
    return peer;
  }

  /** The peer vanishes without a word (a closed laptop): its neighbours must notice. */
  kill(peer: SimPeer): void {
    peer.alive = false;
  }

  alive(): SimPeer[] {
    return this.peers.filter((p) => p.alive);
  }

  /** Splits the alive peers into two halves that cannot reach each other, signaling included. */
  partition(): void {
    this.partitioned = true;
    for (const p of this.alive()) p.side = this.time.random.next() < 0.5 ? 0 : 1;
  }

  heal(): void {
    this.partitioned = false;
  }

  private reachable(a: SimPeer, b: SimPeer): boolean {
    return a.alive && b.alive && (!this.partitioned || a.side === b.side);
  }

  private announce(from: SimPeer, explore: boolean, attempt: number): void {
    const others = this.alive().filter((p) => p !== from && this.reachable(from, p));
    const fanout = Math.min(this.physics.announceFanout, others.length);
    for (let i = 0; i < fanout; i += 1) {
      const j = i + this.time.random.int(others.length - i);
      [others[i], others[j]] = [others[j] as SimPeer, others[i] as SimPeer];
      const to = others[i] as SimPeer;
      this.time.after(2 * this.physics.signalingMs, () => {
        if (this.reachable(from, to)) to.node.onAnnounce(from.id, explore, attempt);
      });
    }
  }

  private dial(from: SimPeer, targetId: string): void {
    const to = this.byId.get(targetId);
    if (!to) return;
    const pair = pairKey(from, to);
    if (this.pairs.has(pair) || this.connecting.has(pair)) return;
    this.connecting.add(pair);
    // Offer and answer through the server, then ICE and DTLS.
    const setup =
      4 * this.physics.signalingMs + this.physics.connectMs * (0.5 + this.time.random.next());
    this.time.after(setup, () => {
      this.connecting.delete(pair);
      if (!this.reachable(from, to) || this.pairs.has(pair)) return;
      const [lo, hi] = this.physics.latencyMs;
      const latency = lo + (hi - lo) * this.time.random.next();
      const a = new SimLink(this, from, to, latency, pair);
      const b = new SimLink(this, to, from, latency, pair);
      this.pairs.set(pair, [a, b]);
      from.node.linkOpened(a);
      to.node.linkOpened(b);
    });
  }

  /** Queues `bytes` on the sender's uplink, then delivers them after the link's latency. */
  transmit(link: SimLink, bytes: Uint8Array): void {
    const sender = link.owner;
    const start = Math.max(this.time.now, sender.uplinkFreeAt);
    const departs = start + (bytes.byteLength / this.physics.uplinkBytesPerSec) * 1000;
    sender.uplinkFreeAt = departs;
    link.queued += bytes.byteLength;
    this.time.at(departs, () => {
      link.queued -= bytes.byteLength;
    });
    this.time.at(departs + link.latency, () => this.arrive(link, bytes, departs));
  }

  private arrive(link: SimLink, bytes: Uint8Array, departed: number): void {
    const to = link.peer;
    if (departed > link.closedAt || !this.reachable(link.owner, to)) return;
    const begin = Math.max(this.time.now, to.cpuFreeAt);
    const cost = this.costMs(to, bytes);
    to.cpuFreeAt = begin + cost;
    to.cpuBusyMs += cost;
    this.time.at(begin + cost, () => {
      if (to.alive) to.node.receive(link.owner.id, bytes);
    });
  }

  /** CPU time to handle one frame, from what it holds against what the peer has. */
  private costMs(peer: SimPeer, bytes: Uint8Array): number {
    let us = this.physics.frameUs;
    if (bytes[0] === 0 || bytes[0] === 3) {
      const message = decodeMessage(bytes);
      if (message && (message.type === 'update' || message.type === 'diff')) {
        try {
          const meta = Y.parseUpdateMeta(message.update);
          for (const [client, to] of meta.to) {
            const start = meta.from.get(client) ?? 0;
            const fresh = Math.max(0, to - Math.max(start, Y.getState(peer.doc.store, client)));
            us += fresh * (this.physics.applyUs + this.physics.verifyUs);
            us += (to - start - fresh) * this.physics.duplicateUs;
          }
        } catch {
          // Counted as a plain frame.
        }
      }
    }
    return us / 1000;
  }

  /** Closes both ends; the other side hears of it after the latency, if it can be reached. */
  closePair(pair: string, by: SimPeer): void {
    const links = this.pairs.get(pair);
    if (!links) return;
    this.pairs.delete(pair);
    for (const link of links) {
      link.open = false;
      link.closedAt = this.time.now;
    }
    const [a, b] = links;
    const mine = a.owner === by ? a : b;
    const theirs = mine === a ? b : a;
    by.node.linkClosed(theirs.owner.id, mine);
    // A little after the last frames that left before the close.
    this.time.after(mine.latency + 1, () => {
      if (theirs.owner.alive) theirs.owner.node.linkClosed(by.id, theirs);
    });
  }

  /** Links between peers that are both alive (what the degree figures count). */
  degree(peer: SimPeer): number {
    return peer.node.neighbours().length;
  }
}

function pairKey(a: SimPeer, b: SimPeer): string {
  return a.index < b.index ? `${a.index}-${b.index}` : `${b.index}-${a.index}`;
}
