import type { ChatEvent } from '../hub/events';
import type { HubListener } from '../hub/Hub';
import { storedRecord, type EventStore, type StoredEvent } from './EventStore';
import { isOrder, validateEvent } from './EventValidation';

/** Options of {@link PersistentListener}. */
export interface PersistentListenerOptions {
  /**
   * The order key of an event. The app passes the log's hybrid clock for messages (so stored
   * history sorts like the live log) and unixTime for the rest; unixTime unless given. A key
   * that is not a finite number (or a throwing function) falls back to unixTime, counted.
   */
  readonly orderOf?: (event: ChatEvent) => number;
  /** Most events written in one transaction (default 2,000): keeps each transaction short. */
  readonly maxBatch?: number;
  /**
   * How long the first event after a quiet spell waits for company before it is written
   * (default 25 ms; 0 writes at once). Not applied while the page is hidden.
   */
  readonly maxDelayMs?: number;
  /**
   * Events this listener buffers before receive() makes the hub wait for a write (default
   * 20,000). Past it, the hub's own bounded listener queue takes the backlog.
   */
  readonly highWater?: number;
  /** Flush on pagehide and when the page turns hidden (default true, where there is a window). */
  readonly flushOnPageHide?: boolean;
  /** Told about every failed write (the events of that batch are lost, and counted). */
  readonly onError?: (error: unknown) => void;
}

/** What the listener has done so far. */
export interface PersistentListenerStats {
  readonly received: number;
  /** Events newly stored. */
  readonly stored: number;
  /** Events the store held already (another tab wrote them, or a redelivery). */
  readonly duplicates: number;
  /** Writes (store transactions) made. */
  readonly writes: number;
  /** Events lost to failed writes, or refused as invalid. */
  readonly lost: number;
  /** Events whose orderOf was unusable, stored by unixTime instead. */
  readonly badOrders: number;
}

/**
 * The hub's persistent listener: writes every event it receives to an EventStore.
 *
 * Batching: the first event after a quiet spell waits up to maxDelayMs (25 ms) for others, or
 * until maxBatch are waiting; then one transaction writes them all. Whatever arrives while a
 * write is in flight goes into the next one, written as soon as that one commits (group
 * commit). So a burst, such as a history sync, costs a handful of transactions, and a quiet
 * room's message is on disk some 30 ms after the hub reported it. While the page is hidden,
 * events are written without the wait, since hidden tabs' timers are throttled (to 1 s, or
 * once a minute); pagehide and a turn to hidden flush at once. The Yjs state (YjsPersistence)
 * is written without any wait, so a sent message is durable there even within that window.
 *
 * receive() returns at once unless highWater events are waiting, so the hub is never stalled
 * (it never waits anyway; this bounds our buffer). A failing write is reported to onError and
 * never thrown into the hub; give it a ResilientEventStore to keep events in memory instead.
 */
export class PersistentListener implements HubListener {
  private readonly store: EventStore;
  private readonly orderOf: (event: ChatEvent) => number;
  private readonly maxBatch: number;
  private readonly maxDelayMs: number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly highWater: number;
  private readonly onError: (error: unknown) => void;
  private pending: StoredEvent[] = [];
  private writing: Promise<void> | undefined;
  /** Resolved after each write, for receive() waiting below highWater. */
  private progress: { promise: Promise<void>; resolve: () => void } = deferred();
  private counts = { received: 0, stored: 0, duplicates: 0, writes: 0, lost: 0, badOrders: 0 };
  private destroyed: Promise<void> | undefined;
  private readonly onHide = (): void => {
    if (document.visibilityState === 'hidden') void this.flush();
  };
  private readonly onPageHide = (): void => void this.flush();
  private readonly watchesPage: boolean;

  constructor(store: EventStore, options: PersistentListenerOptions = {}) {
    this.store = store;
    this.orderOf = options.orderOf ?? ((event) => event.unixTime);
    this.maxBatch = options.maxBatch ?? 2000;
    this.maxDelayMs = options.maxDelayMs ?? 25;
    this.highWater = options.highWater ?? 20_000;
    this.onError = options.onError ?? (() => undefined);
    this.watchesPage = (options.flushOnPageHide ?? true) && typeof window !== 'undefined';
    if (this.watchesPage) {
      window.addEventListener('pagehide', this.onPageHide);
      document.addEventListener('visibilitychange', this.onHide);
    }
  }

  stats(): PersistentListenerStats {
    return { ...this.counts };
  }

  /** Events received and not yet written. */
  get backlog(): number {
    return this.pending.length;
  }

  receive(events: readonly ChatEvent[]): void | Promise<void> {
    if (this.destroyed) return undefined;
    for (const event of events) {
      this.counts.received += 1;
      const checked = validateEvent(event);
      if (typeof checked === 'string') {
        this.counts.lost += 1;
        this.report(new TypeError(`not stored: invalid event ${event.id}: ${checked}`));
        continue;
      }
      // The hub's messages come from the room's log, which takes only checked signatures.
      this.pending.push(storedRecord(this.order(checked), checked, checked.type === 'message'));
    }
    this.schedule();
    return this.pending.length >= this.highWater ? this.progress.promise : undefined;
  }

  /** Called by the hub after the last event: writes what is left. */
  end(): Promise<void> {
    return this.flush();
  }

  /** Settles once every event received so far is written (or its write has failed). Never rejects. */
  async flush(): Promise<void> {
    this.startWriting();
    while (this.writing) await this.writing;
  }

  /** Writes what is buffered, then stops listening to the page; later events are ignored. Idempotent. */
  destroy(): Promise<void> {
    this.destroyed ??= this.shutdown();
    return this.destroyed;
  }

  private async shutdown(): Promise<void> {
    if (this.watchesPage) {
      window.removeEventListener('pagehide', this.onPageHide);
      document.removeEventListener('visibilitychange', this.onHide);
    }
    await this.flush();
  }

  private report(error: unknown): void {
    try {
      this.onError(error);
    } catch {
      // A broken error callback must not stop saving, nor reach the hub.
    }
  }

  private order(event: ChatEvent): number {
    try {
      const order = this.orderOf(event);
      if (isOrder(order)) return order;
    } catch {
      // Counted below, like a non-number.
    }
    this.counts.badOrders += 1;
    return event.unixTime;
  }

  /** Starts a write now or after the delay; a write in flight picks new events up itself. */
  private schedule(): void {
    if (this.writing || this.pending.length === 0) return;
    const hidden = typeof document !== 'undefined' && document.visibilityState === 'hidden';
    if (this.maxDelayMs <= 0 || hidden || this.pending.length >= this.maxBatch) {
      this.startWriting();
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.startWriting();
    }, this.maxDelayMs);
  }

  private startWriting(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.writing || this.pending.length === 0) return;
    this.writing = this.drain().finally(() => {
      this.writing = undefined;
      // Events that came between the loop's last check and here start the next write.
      this.schedule();
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      try {
        this.counts.writes += 1;
        const result = await this.store.put(batch);
        this.counts.stored += result.stored;
        this.counts.duplicates += result.duplicates;
      } catch (error) {
        this.counts.lost += batch.length;
        this.report(error);
      }
      const done = this.progress;
      this.progress = deferred();
      done.resolve();
    }
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
