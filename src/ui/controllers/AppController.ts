import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ChatApplication } from '../../app/ChatApplication';

/** Re-renders its host whenever the application state changes. */
export class AppController implements ReactiveController {
  private readonly host: ReactiveControllerHost;
  private app: ChatApplication | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(host: ReactiveControllerHost) {
    this.host = host;
    host.addController(this);
  }

  /** Follows `app` (a no-op if it is the one followed already). */
  follow(app: ChatApplication | undefined): void {
    if (app === this.app) return;
    this.unsubscribe?.();
    this.app = app;
    this.unsubscribe = app?.subscribe(() => this.host.requestUpdate());
  }

  hostConnected(): void {
    const app = this.app;
    this.app = undefined;
    this.follow(app);
  }

  hostDisconnected(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }
}
