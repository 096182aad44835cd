import { pick, type MeshDiscovery, type MeshEnv } from './ports';

/** Degree bounds, as in GossipSub (D=6) and HyParView (an active view of about 5). */
export interface TopologyOptions {
  /** Links a peer seeks (default 6). */
  readonly target: number;
  /** Below this a peer announces itself, with jitter, until it is back above (default 4). */
  readonly low: number;
  /** Never more links than this, incoming ones included (default 8). */
  readonly cap: number;
  /** First pause between announces while below `low`; it doubles up to 8x (default 1 s). */
  readonly announceMs: number;
  /** Mean pause between exploring announces of a peer below the cap (default 30 s). */
  readonly exploreMs: number;
  /** A dial that has not opened after this is forgotten (default 15 s). */
  readonly dialTimeoutMs: number;
  /** A peer dialed in vain is not dialed again from neighbours' lists for this long (default 20 s). */
  readonly retryMs: number;
}

export const DEFAULT_TOPOLOGY: TopologyOptions = {
  target: 6,
  low: 4,
  cap: 8,
  announceMs: 1000,
  exploreMs: 30_000,
  dialTimeoutMs: 15_000,
  retryMs: 20_000,
};

/** What the topology asks of its owner besides discovery. */
export interface TopologyActions {
  /** Closes the link to `peer`, first telling it where else to go when `refer` is given. */
  close(peer: string, refer?: readonly string[]): void;
  /** Sends the current neighbour list to every neighbour. */
  shareNeighbours(peers: readonly string[]): void;
}

interface Linked {
  /** The neighbour's own neighbours, as it last said. */
  peers: readonly string[];
}

/**
 * Who connects to whom. Every link counts against the cap, whoever dialed it: y-webrtc's
 * `maxConns` limits only dialed links, so peers there end with 20-30. A peer below `low`
 * keeps announcing (so no joiner stays alone); between `low` and `target` it dials peers its
 * neighbours named; a full peer takes a newcomer by dropping its most redundant link (the
 * neighbour sharing the most neighbours with it, which loses least), or refers it elsewhere.
 * Exploring announces, now and then, keep the graph random and rejoin the halves of a
 * partition that has healed.
 */
export class Topology {
  readonly options: TopologyOptions;
  private readonly linked = new Map<string, Linked>();
  /** Dials in flight, with when they were started. */
  private readonly dialing = new Map<string, number>();
  /** Peers heard of (from neighbours' lists and referrals) that could be dialed. */
  private readonly candidates = new Set<string>();
  /** Peers whose dial timed out, with when: not taken from neighbours' lists again soon. */
  private readonly failed = new Map<string, number>();
  private nextAnnounce = 0;
  private announcePause: number;
  private nextExplore: number;
  private listChanged = false;
  /** Announces made since the peer was last at its low mark. */
  private attempt = 0;
  /** Announces sent, links refused, links dropped for a newcomer (for the benchmarks). */
  readonly counts = { announces: 0, refused: 0, displaced: 0 };

  constructor(
    private readonly self: string,
    private readonly env: MeshEnv,
    private readonly discovery: MeshDiscovery,
    private readonly actions: TopologyActions,
    options: Partial<TopologyOptions> = {},
  ) {
    this.options = { ...DEFAULT_TOPOLOGY, ...options };
    if (!(this.options.low <= this.options.target && this.options.target <= this.options.cap)) {
      throw new RangeError('mesh degree bounds must satisfy low <= target <= cap');
    }
    this.announcePause = this.options.announceMs;
    this.nextExplore = env.now() + this.options.exploreMs * (0.5 + env.random());
  }

  get degree(): number {
    return this.linked.size;
  }

  neighbours(): string[] {
    return [...this.linked.keys()];
  }

  /**
   * Whether a dial to `peer` is worth starting. `explore`: it has enough links and would take
   * one more; otherwise it is below its low mark, and even a full peer answers it now and then
   * (its link then displaces the most redundant one), so that no joiner stays alone.
   */
  wants(peer: string, explore: boolean, attempt = 1): boolean {
    if (peer === this.self || this.linked.has(peer) || this.dialing.has(peer)) return false;
    const planned = this.linked.size + this.dialing.size;
    const { target, cap } = this.options;
    if (planned < target) return true;
    if (explore) return planned < cap && this.env.random() < 0.25;
    // Every peer that hears an announce may answer it (a stock server sends it to the whole
    // room), so peers with enough links answer only now and then.
    // Each further announce of a peer still below its low mark is answered more readily.
    const p = planned < cap ? 0.15 : 0.05;
    return this.env.random() < Math.min(planned < cap ? 1 : 0.5, p * attempt);
  }

  /** Another peer announced itself: dial it if this peer wants links. */
  onAnnounce(from: string, explore: boolean, attempt = 1): void {
    if (this.wants(from, explore, attempt)) this.dial(from);
  }

  /**
   * A peer asked this one to dial it (in the app the peer with the smaller id always dials, so
   * that two offers never cross). It decided it wants the link; a full peer still answers, and
   * the link's opening then makes room or refers it elsewhere, as for any link.
   */
  onInvite(from: string): void {
    if (from === this.self || this.linked.has(from) || this.dialing.has(from)) return;
    this.dial(from);
  }

  /**
   * A link opened (dialed by either side). Returns false if it must be refused: the caller
   * closes it, after referring the peer to the returned list.
   */
  onLinkOpen(peer: string): { accept: true } | { accept: false; refer: string[] } {
    this.dialing.delete(peer);
    this.candidates.delete(peer);
    this.failed.delete(peer);
    if (this.linked.has(peer)) return { accept: true };
    if (this.linked.size >= this.options.cap) {
      const victim = this.mostRedundant();
      if (victim === undefined) {
        this.counts.refused += 1;
        return { accept: false, refer: this.referrals() };
      }
      // Make room for the newcomer: the victim keeps at least `low` links elsewhere.
      this.counts.displaced += 1;
      this.drop(victim, this.referrals());
    }
    this.linked.set(peer, { peers: [] });
    this.listChanged = true;
    return { accept: true };
  }

  onLinkClosed(peer: string): void {
    this.dialing.delete(peer);
    if (this.linked.delete(peer)) {
      this.listChanged = true;
      // Lost a link: look for a new one soon, not after a long backoff.
      this.announcePause = this.options.announceMs;
      this.nextAnnounce = Math.min(this.nextAnnounce, this.env.now() + this.jitter());
    }
  }

  onNeighbours(peer: string, peers: readonly string[]): void {
    const entry = this.linked.get(peer);
    if (!entry) return;
    entry.peers = peers;
    for (const p of peers) if (this.isCandidate(p)) this.candidates.add(p);
  }

  onRefer(peers: readonly string[]): void {
    for (const p of peers) if (this.isCandidate(p)) this.candidates.add(p);
  }

  private isCandidate(peer: string): boolean {
    return (
      peer !== this.self &&
      !this.linked.has(peer) &&
      !this.dialing.has(peer) &&
      !this.failed.has(peer)
    );
  }

  /** Called about once a second: announces, dials, expiry, neighbour lists. */
  tick(): void {
    const now = this.env.now();
    for (const [peer, started] of this.dialing) {
      if (now - started <= this.options.dialTimeoutMs) continue;
      this.dialing.delete(peer);
      this.failed.set(peer, now);
    }
    for (const [peer, at] of this.failed)
      if (now - at > this.options.retryMs) this.failed.delete(peer);
    if (this.candidates.size > 256) this.candidates.clear();
    const { low, target, cap } = this.options;
    // Below the target with no one left to try: look again at what the neighbours last said
    // (a dial may have failed or a neighbour gained links since), so that a small room ends
    // fully linked instead of waiting for an exploring announce.
    if (this.linked.size + this.dialing.size < target && this.candidates.size === 0) {
      for (const { peers } of this.linked.values()) {
        for (const p of peers) if (this.isCandidate(p)) this.candidates.add(p);
      }
    }
    if (this.linked.size < low && now >= this.nextAnnounce) {
      this.attempt += 1;
      this.discovery.announce(false, this.attempt);
      this.counts.announces += 1;
      this.nextAnnounce = now + this.announcePause * (0.5 + this.env.random());
      this.announcePause = Math.min(this.announcePause * 2, this.options.announceMs * 8);
    } else if (this.linked.size >= low) {
      this.announcePause = this.options.announceMs;
      this.attempt = 0;
    }
    if (this.linked.size + this.dialing.size < target && this.candidates.size > 0) {
      const peer = pick(this.env, [...this.candidates]);
      this.candidates.delete(peer);
      this.dial(peer);
    }
    if (now >= this.nextExplore) {
      this.nextExplore = now + this.options.exploreMs * (0.5 + this.env.random());
      if (this.linked.size >= low && this.linked.size < cap) {
        this.discovery.announce(true, 0);
        this.counts.announces += 1;
      }
    }
    if (this.listChanged) {
      this.listChanged = false;
      this.actions.shareNeighbours(this.neighbours());
    }
  }

  private jitter(): number {
    return this.options.announceMs * this.env.random();
  }

  private dial(peer: string): void {
    this.dialing.set(peer, this.env.now());
    this.discovery.dial(peer);
  }

  private drop(peer: string, refer: readonly string[]): void {
    this.linked.delete(peer);
    this.listChanged = true;
    this.actions.close(peer, refer);
  }

  /** The neighbour whose loss costs least: most shared neighbours, most links of its own. */
  private mostRedundant(): string | undefined {
    let best: string | undefined;
    let bestScore = -1;
    for (const [peer, { peers }] of this.linked) {
      // Never cut a neighbour down to below `low`: it would start announcing again.
      if (peers.length <= this.options.low) continue;
      const shared = peers.filter((p) => this.linked.has(p)).length;
      const score = shared * 16 + peers.length;
      if (score > bestScore) {
        bestScore = score;
        best = peer;
      }
    }
    return best;
  }

  /** Peers to send a refused newcomer to: neighbours that said they have room. */
  private referrals(): string[] {
    const roomy = [...this.linked]
      .filter(([, { peers }]) => peers.length < this.options.cap)
      .map(([peer]) => peer);
    return roomy.slice(0, 4);
  }
}
