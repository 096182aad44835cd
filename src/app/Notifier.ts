// Browser notifications for new direct messages, behind a port so app state can be tested.

export type NotificationState = 'default' | 'granted' | 'denied' | 'unsupported';

/** Shows system notifications, if the user allowed them. */
export interface Notifier {
  permission(): NotificationState;
  /** Asks the user (must run from a user gesture); resolves to the answer. */
  request(): Promise<NotificationState>;
  /** Shows one notification; one with the same tag replaces it. A no-op unless granted. */
  show(title: string, body: string, tag: string, onClick: () => void): void;
}

/** The Notification API of the page. */
export class BrowserNotifier implements Notifier {
  permission(): NotificationState {
    return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
  }

  async request(): Promise<NotificationState> {
    if (typeof Notification === 'undefined') return 'unsupported';
    return Notification.requestPermission();
  }

  show(title: string, body: string, tag: string, onClick: () => void): void {
    if (this.permission() !== 'granted') return;
    try {
      // Text only: the notification API renders no markup.
      const notification = new Notification(title, { body: body.slice(0, 200), tag });
      notification.onclick = () => {
        window.focus();
        onClick();
        notification.close();
      };
    } catch {
      // Some platforms allow notifications only from a service worker; nothing to show then.
    }
  }
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
