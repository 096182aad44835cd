// Notifications for new direct messages: the port (src/browser/BrowserNotifier is the real one).

export type NotificationState = 'default' | 'granted' | 'denied' | 'unsupported';

/** Shows system notifications, if the user allowed them. */
export interface Notifier {
  permission(): NotificationState;
  /** Asks the user (must run from a user gesture); resolves to the answer. */
  request(): Promise<NotificationState>;
  /** Shows one notification; one with the same tag replaces it. A no-op unless granted. */
  show(title: string, body: string, tag: string, onClick: () => void): void;
}

/** A notifier that records what it would show; for tests. */
export class MemoryNotifier implements Notifier {
  state: NotificationState = 'granted';
  readonly shown: { title: string; body: string; tag: string; click: () => void }[] = [];

  permission(): NotificationState {
    return this.state;
  }

  request(): Promise<NotificationState> {
    return Promise.resolve(this.state);
  }

  show(title: string, body: string, tag: string, onClick: () => void): void {
    if (this.state === 'granted') this.shown.push({ title, body, tag, click: onClick });
  }
}
