// A hub's persistent listeners: what one receives, the handle that detaches it, and how far
// its pump has handed events over (what handle.handed() waits on).
import type { ChatEvent } from './events';
import type { EventStream } from './EventStream';

/** A persistent listener: receives exactly the events the sessions receive, in order. */
export interface HubListener {
  /** Receives the next events in delivery order; the next batch waits for a returned promise. */
  receive(events: readonly ChatEvent[]): void | Promise<void>;
  /** Called once after the last event: after close, or when detached. */
  end?(): void | Promise<void>;
}

/** What attachListener returns. */
export interface ListenerHandle {
  /** Stops delivery; events already queued are still handed over. Idempotent. */
  detach(): void;
  /** Settles once the listener has received its last batch and end() has returned. */
  readonly done: Promise<void>;
  /**
   * Settles once every event emitted so far has been handed to the listener: its receive()
   * has returned (or the event was dropped, or the listener detached).
   */
  handed(): Promise<void>;
}

/** How far a listener's pump has got: events handed over, against events emitted to it. */
export class HandOver {
  private done = 0;
  private inFlight = 0;
  private finished = false;
  private readonly waiters: { at: number; resolve: () => void }[] = [];

  constructor(private readonly stream: EventStream) {}

  taken(count: number): void {
    this.inFlight = count;
  }

  handed(count: number): void {
    this.inFlight = 0;
    this.done += count;
    this.wake();
  }

  finish(): void {
    this.finished = true;
    this.wake();
  }

  /** Settles once every event emitted to the stream by now is handed over (or dropped). */
  until(): Promise<void> {
    const at = this.done + this.inFlight + this.stream.pending + this.stream.dropped;
    if (this.finished || this.reached(at)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ at, resolve }));
  }

  private reached(at: number): boolean {
    return this.done + this.stream.dropped >= at;
  }

  private wake(): void {
    for (let i = this.waiters.length - 1; i >= 0; i -= 1) {
      const waiter = this.waiters[i];
      if (waiter && (this.finished || this.reached(waiter.at))) {
        this.waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }
}

/**
 * Hands `stream`'s batches to `listener` until the stream ends, then calls its end(); what
 * either throws goes to `failed`, and the listener keeps receiving.
 */
export async function pumpListener(
  stream: EventStream,
  listener: HubListener,
  progress: HandOver,
  failed: (error: unknown) => void,
): Promise<void> {
  for (;;) {
    const batch = await stream.nextBatch();
    if (!batch) break;
    progress.taken(batch.length);
    try {
      await listener.receive(batch);
    } catch (error) {
      failed(error);
    }
    progress.handed(batch.length);
  }
  try {
    await listener.end?.();
  } catch (error) {
    failed(error);
  }
}
