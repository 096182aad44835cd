import { registerSW } from 'virtual:pwa-register';
import { UpdateChecks } from './UpdateChecks';

/** Dispatched on window when the browser offers installation; call prompt() from a click. */
export interface InstallableDetail {
  prompt(): Promise<void>;
}

/** Dispatched on window when a new version is installed and waiting; reload() switches to it. */
export interface UpdateReadyDetail {
  reload(): void;
}

/** The Chromium event behind "Install app" (not in TypeScript's DOM types). */
interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  readonly userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

/**
 * Registers the service worker (precached app shell, so the app opens offline) and turns its
 * lifecycle into two window events the UI shows as buttons: `meshchat:installable` and
 * `meshchat:update-ready`. A new version never takes over by itself: the user reloads into it.
 * A window kept open looks for new versions every hour and when it comes back into view.
 * The service worker is registered once `registerAfter` settles (the first paint: its
 * registration and code are no part of it); the install events are listened for at once.
 */
export function registerPwa(
  target: Window = window,
  registerAfter: Promise<unknown> = Promise.resolve(),
): void {
  target.addEventListener('beforeinstallprompt', (event) => {
    event.preventDefault();
    const install = event as BeforeInstallPromptEvent;
    target.dispatchEvent(
      new CustomEvent<InstallableDetail>('meshchat:installable', {
        detail: {
          prompt: async () => {
            await install.prompt();
            await install.userChoice;
          },
        },
      }),
    );
  });
  target.addEventListener('appinstalled', () => {
    target.dispatchEvent(new CustomEvent('meshchat:installed'));
  });
  if (!('serviceWorker' in navigator)) return;
  const register = (): void => {
    const updateSW = registerSW({
      immediate: true,
      onNeedRefresh() {
        target.dispatchEvent(
          new CustomEvent<UpdateReadyDetail>('meshchat:update-ready', {
            detail: { reload: () => void updateSW(true) },
          }),
        );
      },
      onRegisteredSW(_url, registration) {
        if (registration) new UpdateChecks(registration);
      },
      onOfflineReady() {
        target.dispatchEvent(new CustomEvent('meshchat:offline-ready'));
      },
    });
  };
  void registerAfter.then(register, register);
}
