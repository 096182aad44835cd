import * as Y from 'yjs';
import { AppliedIds } from './AppliedIds';
import { MeshOrigin } from './meshOrigin';
import { MissingIds } from './MissingIds';
import { newNeighbour, type Neighbour } from './neighbour';
import { RecentUpdates } from './RecentUpdates';
import { Repair } from './Repair';
import { newsOf } from './updateNews';
import { pick, type MeshEnv } from './ports';
import type { ClockEntry, MeshMessage } from './wire';
import {
  DEFAULT_DISSEMINATION,
  MIN_EAGER,
  type DisseminationCounts,
  type DisseminationOptions,
} from './disseminationOptions';

/**
 * Spreads a Y.Doc's updates over the mesh at about one copy per peer (Plumtree's lazy push
 * over a tree of eager links). A new update goes eagerly to every eager neighbour but the one
 * it came from, merged per neighbour over `batchMs`, and as ids only to the lazy neighbours.
 * A duplicate is recognised by its Yjs ids before it is applied, and its eager sender is told
 * to prune; an id heard of but not received in time is fetched and its link grafted back.
 * A full link is never dropped from: it is resynced by state vector once it drains. One random
 * neighbour at a time exchanges state vectors (anti-entropy), which repairs what all else missed.
 */
export class Dissemination {
  readonly options: DisseminationOptions;
  readonly counts: DisseminationCounts = {
    newUnits: 0,
    duplicateUnits: 0,
    syncDuplicateUnits: 0,
    grafts: 0,
    prunes: 0,
    resyncs: 0,
  };
  private readonly neighbours = new Map<string, Neighbour>();
  private readonly recent = new RecentUpdates(512);
  private readonly applied: AppliedIds;
  private readonly repair: Repair;
  private readonly missing: MissingIds;
  private cancelIhave: (() => void) | undefined;
  private nextAntiEntropy: number;
  private readonly onUpdate = (update: Uint8Array, origin: unknown): void => {
    this.spread(update, origin);
  };

  constructor(
    private readonly doc: Y.Doc,
    private readonly env: MeshEnv,
    private readonly send: (peer: string, message: MeshMessage) => boolean,
    private readonly buffered: (peer: string) => number,
    options: Partial<DisseminationOptions> = {},
    carried: (
      peer: string,
    ) => ReadonlyMap<number, { readonly clock: number; readonly end: number }> | undefined = () =>
      undefined,
  ) {
    this.options = { ...DEFAULT_DISSEMINATION, ...options };
    this.repair = new Repair(doc, send, this.recent, carried);
    this.applied = new AppliedIds(doc);
    this.missing = new MissingIds(
      doc,
      env,
      this.options.graftMs,
      (peer) => this.neighbours.has(peer),
      this.graftMissing,
    );
    this.nextAntiEntropy = env.now() + this.options.antiEntropyMs * (0.5 + env.random());
    doc.on('update', this.onUpdate);
  }

  addNeighbour(peer: string): void {
    if (this.neighbours.has(peer)) return;
    const eager = this.eagerCount() < this.options.eagerLinks;
    this.neighbours.set(peer, newNeighbour(eager));
    // Eager links are eager both ways: the tree is undirected.
    if (eager) this.sendGraft(peer, []);
    if (this.options.syncOnOpen) this.repair.sendStateVector(peer, false);
  }

  removeNeighbour(peer: string): void {
    this.neighbours.get(peer)?.cancelFlush?.();
    this.neighbours.delete(peer);
  }

  /** Eager neighbours (the tree links), for the benchmarks. */
  eagerCount(): number {
    return [...this.neighbours.values()].filter((n) => n.eager).length;
  }

  receive(from: string, message: MeshMessage): void {
    const n = this.neighbours.get(from);
    if (!n) return;
    switch (message.type) {
      case 'update':
        this.receiveUpdate(from, n, message.update, message.hops, true);
        break;
      case 'diff':
        this.receiveUpdate(from, n, message.update, 0, false);
        break;
      case 'ihave':
        this.missing.announced(from, message.entries);
        break;
      case 'prune':
        n.eager = false;
        n.batch = [];
        break;
      case 'graft':
        n.pruned = false;
        this.receiveGraft(from, n, message.entries);
        break;
      case 'sv':
        this.repair.answerStateVector(from, message.stateVector, message.askBack);
        break;
      default:
        break;
    }
  }

  /** Called about once a second: anti-entropy, and resync of links that drained. */
  tick(): void {
    const now = this.env.now();
    // Timers of a hidden tab may be held back for up to a minute; the tick (a worker's timer
    // in the app) sends whatever is overdue, so a hidden peer still relays within a second.
    for (const [peer, n] of this.neighbours) {
      if (n.batch.length > 0 && now - n.lastSend >= this.options.batchMs) {
        n.cancelFlush?.();
        this.flush(peer, n);
      }
    }
    if (this.cancelIhave) {
      this.cancelIhave();
      this.flushIhave();
    }
    for (const [peer, n] of this.neighbours) {
      if (n.behind && this.buffered(peer) < this.options.highWaterBytes / 4) {
        n.behind = false;
        this.counts.resyncs += 1;
        // Its state vector comes back, and the answer is exactly what the dropped batches held.
        this.repair.sendStateVector(peer, true);
      }
    }
    const lazy = [...this.neighbours].filter(([, n]) => !n.eager);
    if (this.eagerCount() < MIN_EAGER && lazy.length > 0) {
      // Eager links were lost (churn): graft one back before a message has to wait for ids.
      const [peer, n] = pick(this.env, lazy);
      n.eager = true;
      this.sendGraft(peer, []);
    }
    if (this.options.antiEntropyMs > 0 && now >= this.nextAntiEntropy) {
      this.nextAntiEntropy = now + this.options.antiEntropyMs * (0.5 + this.env.random());
      const peers = [...this.neighbours.keys()];
      if (peers.length > 0) this.repair.sendStateVector(pick(this.env, peers), true);
    }
  }

  destroy(): void {
    this.doc.off('update', this.onUpdate);
    for (const n of this.neighbours.values()) n.cancelFlush?.();
    this.neighbours.clear();
    this.cancelIhave?.();
    this.missing.destroy();
  }

  private receiveUpdate(
    from: string,
    n: Neighbour,
    update: Uint8Array,
    hops: number,
    pushed: boolean,
  ): void {
    const news = newsOf(this.doc, update);
    if (!news) return; // Malformed: the caller counted the frame; nothing to apply.
    const { meta, fresh, stale } = news;
    if (pushed) this.counts.duplicateUnits += stale;
    else this.counts.syncDuplicateUnits += stale;
    // A push that brought anything here already comes over a redundant link, as in Plumtree
    // (a batch mixes several messages, so "all duplicate" would rarely prune under load; "more
    // copies than news", the rule before, left about 9% more duplicates in the simulated
    // 1,000-message burst at 10 and 25 peers).
    // A peer keeps two eager links whatever it hears, so that prunes made at once for different
    // messages never cut the tree apart (each would be right alone; together they disconnect).
    if (pushed && stale > 0) {
      if (n.eager && this.eagerCount() > MIN_EAGER) {
        n.eager = false;
        this.counts.prunes += 1;
        this.sendPrune(from, n);
      } else if (!n.eager) {
        // The sender holds this link eager and this peer does not (its graft came before the
        // link was open here, or crossed a prune): unanswered, it would push every message
        // here for good. At 25 peers, two thirds of the pushed frames came over such links.
        this.sendPrune(from, n);
      }
    }
    // Everything in it is here already: not applied.
    if (fresh === 0 && meta.to.size > 0) return;
    this.counts.newUnits += fresh;
    try {
      const passed = this.options.filter ? this.options.filter(update) : update;
      const origin = new MeshOrigin(from, hops + 1);
      if (passed) this.applied.apply(passed, origin, passed === update ? news : undefined);
    } catch {
      // A peer's undecodable update harms nothing here; the log's reader validates the rest.
    }
  }

  /** Sends what the doc just integrated: eagerly to the tree links, as ids to the others. */
  private spread(update: Uint8Array, origin: unknown): void {
    const from = origin instanceof MeshOrigin ? origin.from : this.options.sender?.();
    const hops = origin instanceof MeshOrigin ? origin.hops : 0;
    // Its ids are needed only for lazy links and fetches in flight; when there are none (a
    // room of two, or a peer whose links are all eager) the update is held unparsed, for a
    // later graft, and pushed as it is.
    let lazy = false;
    for (const [peer, n] of this.neighbours) if (peer !== from && !n.eager) lazy = true;
    const meta =
      lazy || this.missing.size > 0
        ? (this.applied.of(origin) ?? Y.parseUpdateMeta(update))
        : undefined;
    this.recent.add(update, meta);
    if (meta) this.missing.arrived(meta.to.keys());
    for (const [peer, n] of this.neighbours) {
      if (peer === from) continue;
      if (n.eager) {
        n.batch.push(update);
        n.batchHops = Math.max(n.batchHops, hops);
        this.scheduleFlush(peer, n);
      } else if (meta) {
        for (const [client, clock] of meta.to) {
          n.ihave.set(client, Math.max(clock, n.ihave.get(client) ?? 0));
        }
      }
    }
    if (meta && meta.to.size > 0)
      this.cancelIhave ??= this.env.timer(this.options.ihaveMs, this.flushIhave);
  }

  private scheduleFlush(peer: string, n: Neighbour): void {
    if (n.cancelFlush) return;
    const now = this.env.now();
    if (now - n.lastSend >= this.options.quietMs) {
      this.flush(peer, n);
      return;
    }
    const wait = Math.max(0, n.lastSend + this.options.batchMs - now);
    n.cancelFlush = this.env.timer(wait, () => this.flush(peer, n));
  }

  private flush(peer: string, n: Neighbour): void {
    n.cancelFlush = undefined;
    n.lastSend = this.env.now();
    const batch = n.batch;
    n.batch = [];
    if (batch.length === 0 || this.neighbours.get(peer) !== n) return;
    if (this.buffered(peer) > this.options.highWaterBytes) {
      n.behind = true;
      return;
    }
    const update = batch.length === 1 ? (batch[0] as Uint8Array) : Y.mergeUpdates(batch);
    if (!this.send(peer, { type: 'update', update, hops: n.batchHops })) n.behind = true;
    n.batchHops = 0;
  }

  private readonly flushIhave = (): void => {
    this.cancelIhave = undefined;
    for (const [peer, n] of this.neighbours) {
      if (n.ihave.size === 0) continue;
      const entries = [...n.ihave].map(([client, clock]) => ({ client, clock }));
      n.ihave.clear();
      this.send(peer, { type: 'ihave', entries });
    }
  };

  /** Ids still missing after graftMs: ask their announcers, and make those links eager. */
  private readonly graftMissing = (byPeer: Map<string, ClockEntry[]>): void => {
    for (const [peer, entries] of byPeer) {
      const n = this.neighbours.get(peer);
      if (n) n.eager = true;
      this.counts.grafts += 1;
      this.sendGraft(peer, entries);
    }
  };

  private receiveGraft(from: string, n: Neighbour, entries: readonly ClockEntry[]): void {
    if (entries.length === 0 && !n.eager && this.eagerCount() >= this.options.eagerLinks) {
      // Only "push to me" (a new link, or a peer short of eager links), and this peer has its
      // share: accepting every one left a peer as many eager links as peers had dialled it,
      // each one more path for duplicates. The asker keeps the link lazy: ids still flow,
      // and a fetch grafts it when a message is missing.
      this.sendPrune(from, n);
      return;
    }
    n.eager = true;
    this.repair.answerGraft(from, entries);
  }

  /**
   * Tells `peer` to stop pushing here, once: the link is ordered, so until a graft comes back
   * every push that follows was sent before the prune arrived. (Every copy that arrived in the
   * meantime was answered with a prune of its own: in the simulated 1,000-message burst at 25
   * peers, most of the prunes sent.)
   */
  private sendPrune(peer: string, n: Neighbour): void {
    if (n.pruned) return;
    n.pruned = true;
    this.send(peer, { type: 'prune' });
  }

  /** Asks `peer` to push here again (and for what `entries` name); a prune may follow later. */
  private sendGraft(peer: string, entries: readonly ClockEntry[]): void {
    const n = this.neighbours.get(peer);
    if (n) n.pruned = false;
    this.send(peer, { type: 'graft', entries });
  }
}
