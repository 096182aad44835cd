import type { ChatEvent } from '../hub/events';
import type { HubListener } from '../hub/Hub';
import type { PersistentListener } from '../storage/PersistentListener';

/**
 * Tells when this tab's own messages are durable. It sits in front of the persistent
 * listener: once the listener has flushed a batch that holds own messages, they are saved,
 * and the UI may show them as sent. (Every tab's listener writes events, idempotently, so
 * this holds in a second tab too.)
 */
export class SaveTracker implements HubListener {
  private readonly saved = new Set<string>();
  private readonly listeners = new Set<(ids: readonly string[]) => void>();

  constructor(
    private readonly inner: PersistentListener,
    private readonly isOwn: (event: ChatEvent) => boolean,
  ) {}

  async receive(events: readonly ChatEvent[]): Promise<void> {
    await this.inner.receive(events);
    const own = events.filter((e) => e.type === 'message' && this.isOwn(e)).map((e) => e.id);
    if (own.length === 0) return;
    void this.inner.flush().then(() => {
      for (const id of own) this.saved.add(id);
      for (const listener of [...this.listeners]) listener(own);
    });
  }

  async end(): Promise<void> {
    await this.inner.end();
  }

  isSaved(id: string): boolean {
    return this.saved.has(id);
  }

  /** Ids saved so far (for tests and diagnostics). */
  savedIds(): string[] {
    return [...this.saved];
  }

  /** Calls `listener` with own message ids as they become durable; returns unsubscribe. */
  onSaved(listener: (ids: readonly string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
