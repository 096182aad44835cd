import * as Y from 'yjs';
import { RecentUpdates } from './RecentUpdates';
import { pick, type MeshEnv } from './ports';
import type { ClockEntry, MeshMessage } from './wire';

export interface DisseminationOptions {
  /**
   * A link that sent a frame less than `quietMs` ago merges what follows over this window
   * (default 25 ms) and sends it as one update; a link quiet for longer sends at once, so a
   * quiet room adds no delay and a busy one sends few frames (each costs a native call).
   */
  readonly batchMs: number;
  /** How long a link must have sent nothing for the next update to go at once (default 2 ms). */
  readonly quietMs: number;
  /** Ids for lazy links are sent this often (default 40 ms). */
  readonly ihaveMs: number;
  /**
   * An id heard of but not received within this is fetched, and its link grafted (default
   * 150 ms: about two link latencies; in the simulated 1,000-peer room, 400 ms left 1% of
   * deliveries later than 1 s, and fewer duplicates did not come of waiting longer).
   */
  readonly graftMs: number;
  /** A state vector goes to one random neighbour this often (default 10 s; 0 turns it off). */
  readonly antiEntropyMs: number;
  /** Above this many queued bytes a link gets nothing more until it drains (default 1 MiB). */
  readonly highWaterBytes: number;
  /** Send state vectors when a link opens (the app leaves that to y-webrtc's own sync). */
  readonly syncOnOpen: boolean;
  /**
   * A new link starts eager only while fewer links than this are (default 3): a flood over
   * every link would send each peer degree - 1 copies until prunes thin it to a tree; over
   * three eager links per peer it sends about one, and ids (then grafts) cover the rest.
   */
  readonly eagerLinks: number;
  /** What every update from a neighbour passes through before it is applied (none: as is). */
  readonly filter?: (update: Uint8Array) => Uint8Array | undefined;
}

export const DEFAULT_DISSEMINATION: DisseminationOptions = {
  batchMs: 25,
  quietMs: 2,
  ihaveMs: 40,
  graftMs: 150,
  antiEntropyMs: 10_000,
  highWaterBytes: 1024 * 1024,
  syncOnOpen: true,
  eagerLinks: 3,
};

/** Eager links a peer never prunes below. */
const MIN_EAGER = 2;

/** The transaction origin of updates this module applies: who sent them, how far they came. */
export class MeshOrigin {
  constructor(
    readonly from: string,
    readonly hops: number,
  ) {}
}

interface Neighbour {
  eager: boolean;
  batch: Uint8Array[];
  batchHops: number;
  /** When the current batch window began, and the frames sent in it. */
  lastSend: number;
  cancelFlush: (() => void) | undefined;
  /** Ids waiting for the next lazy push: client -> highest clock. */
  ihave: Map<number, number>;
  /** A batch was withheld because the link was full: resync once it drains. */
  behind: boolean;
}

/** Counts of what arrived, in Yjs clock units (one per chat message in the simulation). */
export interface DisseminationCounts {
  newUnits: number;
  /** Pushed (eager) copies of what was here already: the mesh's redundancy. */
  duplicateUnits: number;
  /** Copies in answers to state vectors and grafts (a newcomer's sync, anti-entropy). */
  syncDuplicateUnits: number;
  grafts: number;
  prunes: number;
  resyncs: number;
}

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
  /** Clients heard of by id and not yet received: who announced them, when to give up. */
  private readonly missing = new Map<number, { clock: number; from: string }>();
  private cancelIhave: (() => void) | undefined;
  private cancelGraft: (() => void) | undefined;
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
    private readonly carried: (
      peer: string,
    ) => ReadonlyMap<number, { readonly clock: number; readonly end: number }> | undefined = () =>
      undefined,
  ) {
    this.options = { ...DEFAULT_DISSEMINATION, ...options };
    this.nextAntiEntropy = env.now() + this.options.antiEntropyMs * (0.5 + env.random());
    doc.on('update', this.onUpdate);
  }

  addNeighbour(peer: string): void {
    if (this.neighbours.has(peer)) return;
    const eager = this.eagerCount() < this.options.eagerLinks;
    this.neighbours.set(peer, {
      eager,
      batch: [],
      batchHops: 0,
      lastSend: -Infinity,
      cancelFlush: undefined,
      ihave: new Map(),
      behind: false,
    });
    // Eager links are eager both ways: the tree is undirected.
    if (eager) this.send(peer, { type: 'graft', entries: [] });
    if (this.options.syncOnOpen) this.sendStateVector(peer, false);
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
        this.receiveIhave(from, message.entries);
        break;
      case 'prune':
        n.eager = false;
        n.batch = [];
        break;
      case 'graft':
        this.receiveGraft(from, n, message.entries);
        break;
      case 'sv':
        this.answerStateVector(from, message.stateVector, message.askBack);
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
        this.sendStateVector(peer, true);
      }
    }
    const lazy = [...this.neighbours].filter(([, n]) => !n.eager);
    if (this.eagerCount() < MIN_EAGER && lazy.length > 0) {
      // Eager links were lost (churn): graft one back before a message has to wait for ids.
      const [peer, n] = pick(this.env, lazy);
      n.eager = true;
      this.send(peer, { type: 'graft', entries: [] });
    }
    if (this.options.antiEntropyMs > 0 && now >= this.nextAntiEntropy) {
      this.nextAntiEntropy = now + this.options.antiEntropyMs * (0.5 + this.env.random());
      const peers = [...this.neighbours.keys()];
      if (peers.length > 0) this.sendStateVector(pick(this.env, peers), true);
    }
  }

  destroy(): void {
    this.doc.off('update', this.onUpdate);
    for (const n of this.neighbours.values()) n.cancelFlush?.();
    this.neighbours.clear();
    this.cancelIhave?.();
    this.cancelGraft?.();
  }

  private receiveUpdate(
    from: string,
    n: Neighbour,
    update: Uint8Array,
    hops: number,
    pushed: boolean,
  ): void {
    let meta: { from: Map<number, number>; to: Map<number, number> };
    try {
      meta = Y.parseUpdateMeta(update);
    } catch {
      return; // Malformed: the caller counted the frame; nothing to apply.
    }
    let fresh = 0;
    let stale = 0;
    for (const [client, to] of meta.to) {
      const start = meta.from.get(client) ?? 0;
      const have = Y.getState(this.doc.store, client);
      const gain = Math.max(0, to - Math.max(start, have));
      fresh += gain;
      stale += to - start - gain;
    }
    if (pushed) this.counts.duplicateUnits += stale;
    else this.counts.syncDuplicateUnits += stale;
    // A push that brought mostly what is here already comes over a redundant link (a batch
    // mixes several messages, so "all duplicate" would rarely prune under load).
    // A peer keeps two eager links whatever it hears, so that prunes made at once for different
    // messages never cut the tree apart (each would be right alone; together they disconnect).
    if (pushed && stale > 0 && stale >= fresh) {
      if (n.eager && this.eagerCount() > MIN_EAGER) {
        n.eager = false;
        this.counts.prunes += 1;
        this.send(from, { type: 'prune' });
      } else if (!n.eager) {
        // The sender holds this link eager and this peer does not (its graft came before the
        // link was open here, or crossed a prune): unanswered, it would push every message
        // here for good. At 25 peers, two thirds of the pushed frames came over such links.
        this.send(from, { type: 'prune' });
      }
    }
    // Everything in it is here already: not applied.
    if (fresh === 0 && meta.to.size > 0) return;
    this.counts.newUnits += fresh;
    try {
      const passed = this.options.filter ? this.options.filter(update) : update;
      if (passed) Y.applyUpdate(this.doc, passed, new MeshOrigin(from, hops + 1));
    } catch {
      // A peer's undecodable update harms nothing here; the log's reader validates the rest.
    }
  }

  /** Sends what the doc just integrated: eagerly to the tree links, as ids to the others. */
  private spread(update: Uint8Array, origin: unknown): void {
    const from = origin instanceof MeshOrigin ? origin.from : undefined;
    const hops = origin instanceof MeshOrigin ? origin.hops : 0;
    // Its ids are needed only for lazy links and fetches in flight; when there are none (a
    // room of two, or a peer whose links are all eager) the update is held unparsed, for a
    // later graft, and pushed as it is.
    let lazy = false;
    for (const [peer, n] of this.neighbours) if (peer !== from && !n.eager) lazy = true;
    const meta = lazy || this.missing.size > 0 ? Y.parseUpdateMeta(update) : undefined;
    this.recent.add(update, meta);
    for (const client of meta?.to.keys() ?? []) {
      const wanted = this.missing.get(client);
      if (wanted && Y.getState(this.doc.store, client) >= wanted.clock) this.missing.delete(client);
    }
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

  private receiveIhave(from: string, entries: readonly ClockEntry[]): void {
    let added = false;
    for (const { client, clock } of entries) {
      if (Y.getState(this.doc.store, client) >= clock) continue;
      const known = this.missing.get(client);
      if (!known || known.clock < clock) this.missing.set(client, { clock, from });
      added = true;
    }
    if (added) this.cancelGraft ??= this.env.timer(this.options.graftMs, this.graftMissing);
  }

  /** Ids still missing after graftMs: ask their announcers, and make those links eager. */
  private readonly graftMissing = (): void => {
    this.cancelGraft = undefined;
    const byPeer = new Map<string, ClockEntry[]>();
    for (const [client, { clock, from }] of this.missing) {
      const have = Y.getState(this.doc.store, client);
      if (have >= clock || !this.neighbours.has(from)) continue;
      const list = byPeer.get(from) ?? [];
      list.push({ client, clock: have });
      byPeer.set(from, list);
    }
    this.missing.clear();
    for (const [peer, entries] of byPeer) {
      const n = this.neighbours.get(peer);
      if (n) n.eager = true;
      this.counts.grafts += 1;
      this.send(peer, { type: 'graft', entries });
    }
  };

  private receiveGraft(from: string, n: Neighbour, entries: readonly ClockEntry[]): void {
    if (entries.length === 0 && !n.eager && this.eagerCount() >= this.options.eagerLinks) {
      // Only "push to me" (a new link, or a peer short of eager links), and this peer has its
      // share: accepting every one left a peer as many eager links as peers had dialled it,
      // each one more path for duplicates. The asker keeps the link lazy: ids still flow,
      // and a fetch grafts it when a message is missing.
      this.send(from, { type: 'prune' });
      return;
    }
    n.eager = true;
    this.answerGraft(from, entries);
  }

  private answerGraft(from: string, entries: readonly ClockEntry[]): void {
    if (entries.length === 0) return; // Only "push to me again".
    const found = this.recent.after(entries);
    if (found) {
      this.send(from, { type: 'diff', update: found });
    } else {
      // Not among the recent updates: fall back to a full state-vector exchange.
      this.sendStateVector(from, true);
    }
  }

  private answerStateVector(from: string, stateVector: Uint8Array, askBack: boolean): void {
    let update: Uint8Array;
    try {
      update = Y.encodeStateAsUpdate(this.doc, this.withCarried(from, stateVector));
    } catch {
      return;
    }
    // An update with nothing in it encodes as two zero bytes: not worth a message.
    if (update.byteLength > 2) this.send(from, { type: 'diff', update });
    if (askBack) this.sendStateVector(from, false);
  }

  /**
   * `stateVector` raised by what the link already carries to `peer`: a newcomer still applying
   * the room that its connection-time sync sent in pieces asks again (anti-entropy, a graft it
   * cannot be answered from recent updates) and would otherwise be sent the room twice.
   */
  private withCarried(peer: string, stateVector: Uint8Array): Uint8Array {
    const carried = this.carried(peer);
    if (!carried || carried.size === 0) return stateVector;
    const vector = Y.decodeStateVector(stateVector);
    let raised = false;
    for (const [client, { clock, end }] of carried) {
      const has = vector.get(client) ?? 0;
      if (clock <= has && has < end) {
        vector.set(client, end);
        raised = true;
      }
    }
    return raised ? Y.encodeStateVector(vector) : stateVector;
  }

  private sendStateVector(peer: string, askBack: boolean): void {
    this.send(peer, { type: 'sv', stateVector: Y.encodeStateVector(this.doc), askBack });
  }
}
