import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ChatApplication } from '../app/ChatApplication';
import type { RoomRecord } from '../app/RoomDirectory';
import type { InstallableDetail, UpdateReadyDetail } from '../pwa/registerPwa';
import { AppController } from './controllers/AppController';
import './NameForm';
import type { NameSubmitDetail } from './NameForm';
import type { DirectMessageDetail } from './ParticipantList';
import './RoomList';
import type { RoomJoinDetail, RoomOpenDetail } from './RoomList';
import './RoomView';
import { theme } from './theme';

/**
 * The application shell: the app bar (name, notifications, Install app), the offline and
 * update banners, and either the name screen or the rooms beside the open room (one pane at a
 * time on a phone). It turns the elements' intents into ChatApplication calls.
 */
@customElement('chat-app')
export class ChatApp extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: flex;
        flex-direction: column;
        height: 100dvh;
        background: var(--mc-bg);
      }
      .appbar {
        display: flex;
        align-items: center;
        gap: 0.5rem;
        padding: 0.4rem 0.75rem;
        background: var(--mc-surface);
        border-bottom: 1px solid var(--mc-border);
        flex-wrap: wrap;
      }
      h1 {
        font-size: 1.15rem;
        margin: 0;
        flex: 1;
      }
      .appbar button {
        min-height: 2.25rem;
        padding: 0.3rem 0.7rem;
        font-size: 0.875rem;
      }
      .me {
        font-size: 0.85rem;
        color: var(--mc-muted);
        max-width: 10rem;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .banner {
        display: flex;
        align-items: center;
        gap: 0.75rem;
        flex-wrap: wrap;
        padding: 0.5rem 0.75rem;
        background: var(--mc-warning-bg);
        color: var(--mc-warning-text);
        font-size: 0.9rem;
      }
      .banner p {
        margin: 0;
        flex: 1;
      }
      .body {
        flex: 1;
        display: flex;
        min-height: 0;
      }
      nav {
        width: 18rem;
        flex: none;
        border-right: 1px solid var(--mc-border);
        overflow-y: auto;
        background: var(--mc-bg);
      }
      .notify {
        margin: 0.75rem;
        padding: 0.75rem;
        border: 1px solid var(--mc-border);
        border-radius: var(--mc-radius);
        font-size: 0.875rem;
      }
      .notify p {
        margin: 0 0 0.5rem;
        color: var(--mc-muted);
      }
      main {
        flex: 1;
        min-width: 0;
        display: flex;
        flex-direction: column;
        min-height: 0;
      }
      main.solo {
        overflow-y: auto;
      }
      chat-room-view {
        flex: 1;
      }
      .placeholder {
        margin: auto;
        padding: 2rem;
        text-align: center;
        color: var(--mc-muted);
      }
      @media (max-width: 720px) {
        nav {
          width: auto;
          flex: 1;
          border-right: none;
        }
        .body[data-view='room'] nav,
        .body[data-view='home'] main {
          display: none;
        }
        chat-room-view {
          --mc-back-display: inline-flex;
        }
      }
    `,
  ];

  /** The application state this shell shows; wired by src/main.ts. */
  @property({ attribute: false }) app: ChatApplication | undefined;
  /** Asks the user to confirm leaving a room (the browser's dialog; tests replace it). */
  confirmLeave: (question: string) => boolean = (question) => window.confirm(question);
  @state() private editingName = false;
  @state() private online = navigator.onLine;
  @state() private installable: InstallableDetail | undefined;
  @state() private updateReady: UpdateReadyDetail | undefined;
  /** What the last export or import did, told to the user until the next one. */
  @state() private historyNotice: string | undefined;
  private readonly controller = new AppController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOnline);
    window.addEventListener('meshchat:installable', this.onInstallable);
    window.addEventListener('meshchat:update-ready', this.onUpdateReady);
    document.addEventListener('visibilitychange', this.onVisibility);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOnline);
    window.removeEventListener('meshchat:installable', this.onInstallable);
    window.removeEventListener('meshchat:update-ready', this.onUpdateReady);
    document.removeEventListener('visibilitychange', this.onVisibility);
  }

  override willUpdate(): void {
    this.controller.follow(this.app);
    const record = this.app?.currentRecord;
    const room = record
      ? this.app?.rooms.find((r) => r.record.roomId === record.roomId)
      : undefined;
    document.title = room ? `${room.label} · MeshChat` : 'MeshChat';
  }

  override render() {
    return html`
      ${this.renderAppBar()} ${this.renderBanners()}
      ${
        !this.app
          ? html`<main class="solo"><p class="placeholder" role="status">Loading…</p></main>`
          : !this.app.displayName || this.editingName
            ? html`<main class="solo">
                <chat-name-form
                  .value=${this.app.displayName ?? ''}
                  ?editing=${this.editingName}
                  @name-submit=${this.onName}
                  @name-cancel=${() => (this.editingName = false)}
                ></chat-name-form>
              </main>`
            : this.renderRooms(this.app)
      }
    `;
  }

  private renderAppBar() {
    const app = this.app;
    return html`<header class="appbar">
      <h1>MeshChat</h1>
      ${
        app?.displayName && !this.editingName
          ? html`<span class="me">${app.displayName}</span>
              <button type="button" @click=${() => (this.editingName = true)}>Change name</button>`
          : nothing
      }
      ${
        this.installable
          ? html`<button type="button" class="primary" @click=${this.onInstall}>
              Install app
            </button>`
          : nothing
      }
    </header>`;
  }

  private renderBanners() {
    return html`
      ${
        this.online
          ? nothing
          : html`<div class="banner" role="status">
              <p>You are offline. You can read this device’s history; new messages wait here.</p>
            </div>`
      }
      ${
        this.updateReady
          ? html`<div class="banner" role="status">
              <p>A new version of MeshChat is ready.</p>
              <button type="button" class="primary" @click=${() => this.updateReady?.reload()}>
                Reload
              </button>
            </div>`
          : nothing
      }
      ${
        this.app?.storageWarning
          ? html`<div class="banner" role="status"><p>${this.app.storageWarning}</p></div>`
          : nothing
      }
      ${
        this.historyNotice
          ? html`<div class="banner" role="status">
              <p>${this.historyNotice}</p>
              <button type="button" @click=${() => (this.historyNotice = undefined)}>OK</button>
            </div>`
          : nothing
      }
      ${
        this.app && !this.app.persistentIdentity
          ? html`<div class="banner" role="status">
              <p>This browser does not let MeshChat keep your key: you will be a new user later.</p>
            </div>`
          : nothing
      }
    `;
  }

  /** Saves the room's history as a JSON lines file. */
  /** Leaving deletes the room's history on this device, so the user confirms it first. */
  private leave(app: ChatApplication, record: RoomRecord): void {
    const what = record.kind === 'dm' ? 'this conversation' : `“${record.title}”`;
    const ok = this.confirmLeave(
      `Leave ${what}? Its messages will be deleted from this device. Others keep their copies.`,
    );
    if (ok) void app.leaveRoom(record.roomId);
  }

  private async exportHistory(app: ChatApplication, roomId: string): Promise<void> {
    try {
      const text = await app.exportHistory(roomId);
      const url = URL.createObjectURL(new Blob([text], { type: 'application/x-ndjson' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = `meshchat-${roomId}.jsonl`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      const lines = text === '' ? 0 : text.trimEnd().split('\n').length;
      this.historyNotice = `Exported ${lines} events to meshchat-${roomId}.jsonl.`;
    } catch (error) {
      this.historyNotice = `Export failed: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  private async importHistory(app: ChatApplication, roomId: string, text: string): Promise<void> {
    try {
      const report = await app.importHistory(roomId, text);
      this.historyNotice =
        `Imported ${report.imported} events` +
        (report.duplicates > 0 ? `; ${report.duplicates} were here already` : '') +
        (report.badLines > 0 ? `; ${report.badLines} lines could not be read` : '') +
        '.';
    } catch (error) {
      this.historyNotice = `Import failed: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  private renderRooms(app: ChatApplication) {
    const room = app.current;
    const record = app.currentRecord;
    const item = record ? app.rooms.find((r) => r.record.roomId === record.roomId) : undefined;
    return html`<div class="body" data-view=${room ? 'room' : 'home'}>
      <nav aria-label="Rooms">
        <chat-room-list
          .rooms=${app.rooms}
          currentId=${record?.roomId ?? ''}
          notice=${app.notice ?? ''}
          @room-open=${(e: CustomEvent<RoomOpenDetail>) => void app.openRoom(e.detail.roomId)}
          @room-create=${() => void app.createRoom()}
          @room-join=${(e: CustomEvent<RoomJoinDetail>) => void app.joinByLink(e.detail.link)}
        ></chat-room-list>
        ${
          app.notificationState() === 'default' && app.rooms.some((r) => r.record.kind === 'dm')
            ? html`<div class="notify">
                <p>Get a notification when a private message arrives while MeshChat is hidden.</p>
                <button type="button" @click=${() => void app.enableNotifications()}>
                  Enable notifications
                </button>
              </div>`
            : nothing
        }
      </nav>
      <main>
        ${
          room && record
            ? html`<chat-room-view
                .room=${room}
                .names=${app.names}
                heading=${item?.label ?? record.title}
                link=${app.linkOf(record.roomId)}
                ?online=${this.online}
                ?direct=${record.kind === 'dm'}
                .canMessage=${(userId: string) => app.canMessagePrivately(userId)}
                @go-home=${() => app.goHome()}
                @room-leave=${() => this.leave(app, record)}
                @history-export=${() => void this.exportHistory(app, record.roomId)}
                @history-import=${(event: CustomEvent<string>) =>
                  void this.importHistory(app, record.roomId, event.detail)}
                @direct-message=${(e: CustomEvent<DirectMessageDetail>) =>
                  void app.openDirectMessage(e.detail.userId)}
              ></chat-room-view>`
            : html`<p class="placeholder">Pick a room, or create one and share its link.</p>`
        }
      </main>
    </div>`;
  }

  private readonly onName = async (event: CustomEvent<NameSubmitDetail>): Promise<void> => {
    await this.app?.setDisplayName(event.detail.name);
    this.editingName = false;
  };

  private readonly onInstall = async (): Promise<void> => {
    const installable = this.installable;
    this.installable = undefined;
    await installable?.prompt();
  };

  private readonly onOnline = (): void => {
    this.online = navigator.onLine;
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

declare global {
  interface HTMLElementTagNameMap {
    'chat-app': ChatApp;
  }
}
