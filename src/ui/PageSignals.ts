import { LitElement } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { ChatApplication } from '../app/ChatApplication';
import { Connectivity } from '../pwa/Connectivity';
import type { InstallableDetail, UpdateReadyDetail } from '../pwa/registerPwa';

/**
 * What the page tells the application shell: the network (a Connectivity), that the app can
 * be installed or an update is ready (window events from registerPwa), and that the page was
 * hidden or shown. ChatApp extends it with what it renders.
 */
export class PageSignals extends LitElement {
  /** The application state this shell shows; wired by src/main.ts. */
  @property({ attribute: false }) app: ChatApplication | undefined;
  /** The network as the app sees it (tests pass their own). */
  @property({ attribute: false }) connectivity: Connectivity | undefined;
  @state() protected online = navigator.onLine;
  protected ownConnectivity: Connectivity | undefined;
  private stopConnectivity: (() => void) | undefined;
  @state() protected installable: InstallableDetail | undefined;
  @state() protected updateReady: UpdateReadyDetail | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    // Follows the network again after a reconnect (willUpdate picks the connectivity).
    this.requestUpdate();
    window.addEventListener('meshchat:installable', this.onInstallable);
    window.addEventListener('meshchat:update-ready', this.onUpdateReady);
    document.addEventListener('visibilitychange', this.onVisibility);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopConnectivity?.();
    this.stopConnectivity = undefined;
    this.followed = undefined;
    this.ownConnectivity?.destroy();
    this.ownConnectivity = undefined;
    window.removeEventListener('meshchat:installable', this.onInstallable);
    window.removeEventListener('meshchat:update-ready', this.onUpdateReady);
    document.removeEventListener('visibilitychange', this.onVisibility);
  }

  /** The connectivity shown: the one passed in, else one of its own. */
  protected followConnectivity(): void {
    if (!this.connectivity) this.ownConnectivity ??= new Connectivity();
    const source = this.connectivity ?? this.ownConnectivity;
    if (!source || source === this.followed) return;
    this.stopConnectivity?.();
    this.followed = source;
    this.online = source.online;
    this.stopConnectivity = source.subscribe(() => (this.online = source.online));
  }

  private followed: Connectivity | undefined;

  protected readonly onInstall = async (): Promise<void> => {
    const installable = this.installable;
    this.installable = undefined;
    await installable?.prompt();
  };

  private readonly onInstallable = (event: Event): void => {
    const detail = (event as CustomEvent<InstallableDetail | undefined>).detail;
    if (typeof detail?.prompt === 'function') this.installable = detail;
  };

  private readonly onUpdateReady = (event: Event): void => {
    const detail = (event as CustomEvent<UpdateReadyDetail | undefined>).detail;
    if (typeof detail?.reload === 'function') this.updateReady = detail;
  };

  private readonly onVisibility = (): void => {
    void this.app?.visibilityChanged();
  };
}
