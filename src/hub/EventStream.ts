import { BoundedQueue } from './BoundedQueue';
import type { ChatEvent } from './events';

/**
 * The events one session (or listener) receives, in delivery order. The hub pushes without
 * ever waiting; the consumer pulls at its own pace with `next()` / `for await`, `nextBatch()`,
 * or `take()`. A consumer that lets more than `capacity` events pile up loses the oldest of
 * them: `dropped` counts them (see BoundedQueue).
 */
export class EventStream implements AsyncIterable<ChatEvent> {
  private readonly queue: BoundedQueue<ChatEvent>;
  private isEnded = false;
  private wake: (() => void) | undefined;

  constructor(capacity: number) {
    this.queue = new BoundedQueue<ChatEvent>(capacity);
  }

  /** True once the hub has ended the stream (queued events may still be read). */
  get ended(): boolean {
    return this.isEnded;
  }

  /** Events lost because the consumer fell more than `capacity` behind. */
  get dropped(): number {
    return this.queue.dropped;
  }

  /** Events waiting to be read. */
  get pending(): number {
    return this.queue.length;
  }

  /** @internal Called by the hub: queues an event. Returns false if an old one was dropped. */
  push(event: ChatEvent): boolean {
    if (this.isEnded) return true;
    const kept = this.queue.push(event);
    this.notify();
    return kept;
  }

  /** @internal Called by the hub: no event follows. */
  end(): void {
    if (this.isEnded) return;
    this.isEnded = true;
    this.notify();
  }

  /** Takes every event queued now, without waiting. */
  take(): ChatEvent[] {
    return this.queue.drain();
  }

  /** Waits for at least one event and takes all queued; undefined once ended and drained. */
  async nextBatch(): Promise<ChatEvent[] | undefined> {
    while (this.queue.length === 0) {
      if (this.isEnded) return undefined;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    return this.queue.drain();
  }

  /** Waits for the next event; done once ended and drained. */
  async next(): Promise<IteratorResult<ChatEvent, undefined>> {
    while (this.queue.length === 0) {
      if (this.isEnded) return { done: true, value: undefined };
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    return { done: false, value: this.queue.shift() as ChatEvent };
  }

  [Symbol.asyncIterator](): AsyncIterator<ChatEvent, undefined> {
    return { next: () => this.next() };
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
