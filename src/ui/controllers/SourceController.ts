import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Anything that says when it changed. */
export interface Subscribable {
  subscribe(listener: () => void): () => void;
}

/** Re-renders its host whenever the followed source says it changed. */
export class SourceController implements ReactiveController {
  private readonly host: ReactiveControllerHost;
  private source: Subscribable | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(host: ReactiveControllerHost) {
    this.host = host;
    host.addController(this);
  }

  /** Follows `source` (a no-op if it is the one followed already). */
  follow(source: Subscribable | undefined): void {
    if (source === this.source && (this.unsubscribe || !source)) return;
    this.unsubscribe?.();
    this.source = source;
    this.unsubscribe = source?.subscribe(() => this.host.requestUpdate());
  }

  hostConnected(): void {
    const source = this.source;
    this.source = undefined;
    this.follow(source);
  }

  hostDisconnected(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }
}
