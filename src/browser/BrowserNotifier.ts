import type { NotificationState, Notifier } from '../app/Notifier';

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
