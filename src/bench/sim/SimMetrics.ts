import { presenceTimeoutMs } from '../../mesh/presenceRate';
import type { MeshTraffic } from '../../mesh/ports';
import { quantile, round } from '../stats';
import type { SimNetwork, SimPeer } from './SimNetwork';
import type { SimScenario } from './meshSim';

/** What one simulated run reports. Times are virtual milliseconds. */
export interface SimFigures {
  readonly peers: number;
  readonly seed: number;
  readonly messages: number;
  /** Per message, from its send until every peer that should have it does. */
  readonly convergenceMs: { p50: number; p99: number; max: number };
  /** From the last send of the burst until the last delivery of it. */
  readonly allAfterLastSendMs: number;
  /** Share of (peer, message) deliveries within 1 s and 10 s of the send. */
  readonly deliveredBy1s: number;
  readonly deliveredBy10s: number;
  /** Deliveries still missing at the end of the window (peers there from send to end). */
  readonly missed: number;
  /** Copies received that were already there, per delivered message (in Yjs clock units). */
  readonly duplicatesPerDelivery: number;
  /** The same for copies that answered state vectors (newcomers' syncs, anti-entropy). */
  readonly syncDuplicatesPerDelivery: number;
  readonly hops: { p50: number; max: number };
  /** Bytes received per peer per message during the burst window. */
  readonly payloadBytesPerPeerPerMessage: number;
  readonly controlBytesPerPeerPerMessage: number;
  /** Links per peer (older than 10 s) at the end of the burst window; the most at any second. */
  readonly degree: { min: number; mean: number; max: number; maxEver: number };
  /** Peers older than 10 s with no link, most at any second. */
  readonly aloneMax: number;
  /** How old a peer's news of a member is, and what share of members it lists. */
  readonly presenceStalenessMs: { p50: number; p99: number };
  readonly presenceRecall: number;
  readonly presenceBytesPerSecPerPeer: number;
  /** After the partition heals: until every peer has every message of both halves. */
  readonly healConvergedMs: number | null;
  readonly healMissed: number;
  readonly linksDeclaredDead: number;
  /** Real seconds the simulation took. */
  readonly wallSeconds: number;
}

/** Collects the figures of one simulated run as it goes. */
export class SimMetrics {
  private readonly sentAt = new Map<string, number>();
  private readonly got = new Map<string, Map<number, { at: number; hops: number }>>();
  private windowStart = 0;
  private trafficStart: MeshTraffic[] = [];
  private dupStart = 0;
  private syncDupStart = 0;
  private maxDegree = 0;
  private aloneMax = 0;
  private readonly beatAt = new Map<number, Map<number, number>>();
  private readonly staleness: number[] = [];
  private recallSeen = 0;
  private recallAll = 0;
  private lastSample = 0;
  private burst: Record<string, number> = {};
  private heal: { convergedMs: number | null; missed: number } = { convergedMs: null, missed: 0 };

  constructor(private readonly net: SimNetwork) {}

  sent(key: string, at: number): void {
    this.sentAt.set(key, at);
  }

  delivered(peer: SimPeer, key: string, at: number, hops: number): void {
    let per = this.got.get(key);
    if (!per) {
      per = new Map<number, { at: number; hops: number }>();
      this.got.set(key, per);
    }
    if (!per.has(peer.index)) per.set(peer.index, { at, hops });
  }

  /** After each peer's tick: degree bounds, loners, presence beats and samples. */
  ticked(peer: SimPeer): void {
    const now = this.net.time.now;
    const degree = this.net.degree(peer);
    this.maxDegree = Math.max(this.maxDegree, degree);
    const own = peer.node.presence?.members.get(peer.index + 1);
    if (own) {
      const beats = this.beatAt.get(peer.index + 1) ?? new Map<number, number>();
      if (!beats.has(own.counter)) beats.set(own.counter, now);
      this.beatAt.set(peer.index + 1, beats);
    }
    if (now - this.lastSample >= 1000) {
      this.lastSample = now;
      const alone = this.net
        .alive()
        .filter((p) => now - p.joinedAt > 10_000 && this.net.degree(p) === 0).length;
      this.aloneMax = Math.max(this.aloneMax, alone);
      if (this.windowStart > 0) this.samplePresence(now);
    }
  }

  startWindow(): void {
    this.windowStart = this.net.time.now;
    this.trafficStart = this.net.peers.map((p) => ({ ...p.node.traffic }));
    this.dupStart = this.sum((p) => p.node.dissemination.counts.duplicateUnits);
    this.syncDupStart = this.sum((p) => p.node.dissemination.counts.syncDuplicateUnits);
    this.maxDegree = 0;
  }

  /** Ends the burst window: per-message convergence over the peers there from send to end. */
  closeWindow(keys: readonly string[]): void {
    const now = this.net.time.now;
    const seconds = (now - this.windowStart) / 1000;
    const perMessage: number[] = [];
    const latencies: number[] = [];
    const hops: number[] = [];
    let missed = 0;
    let lastDelivery = 0;
    for (const key of keys) {
      const sentAt = this.sentAt.get(key) ?? 0;
      let worst = 0;
      for (const peer of this.net.alive().filter((p) => p.joinedAt <= sentAt)) {
        const got = this.got.get(key)?.get(peer.index);
        if (!got) {
          missed += 1;
          worst = Infinity;
          continue;
        }
        latencies.push(got.at - sentAt);
        if (got.hops > 0) hops.push(got.hops);
        worst = Math.max(worst, got.at - sentAt);
        lastDelivery = Math.max(lastDelivery, got.at);
      }
      perMessage.push(worst);
    }
    const alive = this.net.alive();
    const traffic = this.trafficDelta();
    const perPeerMessage = Math.max(1, alive.length * keys.length);
    // Newcomers of the last 10 s are still finding links.
    const degrees = alive.filter((p) => now - p.joinedAt > 10_000).map((p) => this.net.degree(p));
    const lastSend = Math.max(...keys.map((k) => this.sentAt.get(k) ?? 0));
    const share = (ms: number): number =>
      latencies.filter((l) => l <= ms).length / Math.max(1, latencies.length + missed);
    this.burst = {
      p50: quantile(perMessage, 0.5),
      p99: quantile(perMessage, 0.99),
      max: Math.max(...perMessage),
      allAfterLastSendMs: missed > 0 ? Infinity : lastDelivery - lastSend,
      by1s: share(1000),
      by10s: share(10_000),
      missed,
      dup:
        (this.sum((p) => p.node.dissemination.counts.duplicateUnits) - this.dupStart) /
        Math.max(1, latencies.length),
      syncDup:
        (this.sum((p) => p.node.dissemination.counts.syncDuplicateUnits) - this.syncDupStart) /
        Math.max(1, latencies.length),
      hopsP50: quantile(hops, 0.5),
      hopsMax: hops.length > 0 ? Math.max(...hops) : 0,
      payload: traffic.payloadReceived / perPeerMessage,
      control: traffic.controlReceived / perPeerMessage,
      presence: traffic.presenceReceived / Math.max(1, alive.length) / seconds,
      degMin: Math.min(...degrees),
      degMean: degrees.reduce((a, b) => a + b, 0) / Math.max(1, degrees.length),
      degMax: Math.max(...degrees),
    };
  }

  /** After a healed partition: when every peer there throughout had every message. */
  afterHeal(keys: readonly string[], healedAt: number): void {
    const first = Math.min(...keys.map((k) => this.sentAt.get(k) ?? 0));
    let last = healedAt;
    let missed = 0;
    for (const key of keys) {
      for (const peer of this.net.alive().filter((p) => p.joinedAt <= first)) {
        const got = this.got.get(key)?.get(peer.index);
        if (!got) missed += 1;
        else last = Math.max(last, got.at);
      }
    }
    this.heal = { convergedMs: missed > 0 ? null : last - healedAt, missed };
  }

  figures(scenario: SimScenario, wallSeconds: number): SimFigures {
    const b = this.burst;
    const n = (key: string): number => b[key] ?? NaN;
    return {
      peers: scenario.peers,
      seed: scenario.seed,
      messages: scenario.messages,
      convergenceMs: { p50: round(n('p50')), p99: round(n('p99')), max: round(n('max')) },
      allAfterLastSendMs: round(n('allAfterLastSendMs')),
      deliveredBy1s: round(n('by1s'), 4),
      deliveredBy10s: round(n('by10s'), 4),
      missed: n('missed'),
      duplicatesPerDelivery: round(n('dup'), 3),
      syncDuplicatesPerDelivery: round(n('syncDup'), 3),
      hops: { p50: n('hopsP50'), max: n('hopsMax') },
      payloadBytesPerPeerPerMessage: round(n('payload'), 1),
      controlBytesPerPeerPerMessage: round(n('control'), 1),
      degree: {
        min: n('degMin'),
        mean: round(n('degMean')),
        max: n('degMax'),
        maxEver: this.maxDegree,
      },
      aloneMax: this.aloneMax,
      presenceStalenessMs: {
        p50: round(quantile(this.staleness, 0.5)),
        p99: round(quantile(this.staleness, 0.99)),
      },
      presenceRecall: round(this.recallSeen / Math.max(1, this.recallAll), 4),
      presenceBytesPerSecPerPeer: round(n('presence'), 1),
      healConvergedMs: this.heal.convergedMs === null ? null : round(this.heal.convergedMs),
      healMissed: this.heal.missed,
      linksDeclaredDead: this.sum((p) => p.node.liveness.dead),
      wallSeconds: round(wallSeconds, 1),
    };
  }

  /** A few observers: how old their news of each member is, and whom they miss. */
  private samplePresence(now: number): void {
    const alive = this.net.alive();
    const settled = alive.filter((p) => now - p.joinedAt > presenceTimeoutMs(alive.length));
    for (let i = 0; i < 5 && alive.length > 0; i += 1) {
      const observer = alive[this.net.time.random.int(alive.length)] as SimPeer;
      const roster = observer.node.presence?.members;
      if (!roster || now - observer.joinedAt < presenceTimeoutMs(alive.length)) continue;
      for (const member of settled) {
        if (member === observer) continue;
        this.recallAll += 1;
        const entry = roster.get(member.index + 1);
        if (!entry) continue;
        this.recallSeen += 1;
        const at = this.beatAt.get(member.index + 1)?.get(entry.counter);
        if (at !== undefined) this.staleness.push(now - at);
      }
    }
  }

  private trafficDelta(): MeshTraffic {
    const total: MeshTraffic = {
      payloadSent: 0,
      payloadReceived: 0,
      controlSent: 0,
      controlReceived: 0,
      presenceSent: 0,
      presenceReceived: 0,
    };
    this.net.peers.forEach((p, i) => {
      const start = this.trafficStart[i];
      for (const key of Object.keys(total) as (keyof MeshTraffic)[]) {
        total[key] += p.node.traffic[key] - (start?.[key] ?? 0);
      }
    });
    return total;
  }

  private sum(f: (p: SimPeer) => number): number {
    return this.net.peers.reduce((s, p) => s + f(p), 0);
  }
}
