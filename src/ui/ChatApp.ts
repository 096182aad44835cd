import { html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ChatApplication } from '../app/ChatApplication';
import type { IdentityAccount } from '../app/IdentityAccount';
import type { RoomRecord } from '../app/RoomDirectory';
import { noticeStyles, renderBanners } from './appNotices';
import { renderAppBar } from './appBar';
import { shellStyles } from './shellStyles';
import { AppController } from './controllers/AppController';
import { IdentityDialogs } from './controllers/IdentityDialogs';
import { SourceController } from './controllers/SourceController';
import { exportHistoryFile, importHistoryFile } from './historyFiles';
import './NameForm';
import type { NameSubmitDetail } from './NameForm';
import type { KeyCompareDetail } from './ParticipantList';
import type { RoomList } from './RoomList';
import type { RoomView } from './RoomView';
import { loadRoomView } from './roomViewCode';
import { renderRoomsNav } from './roomsNav';
import { renderRoomPane } from './roomPane';
import type { MessageSearchBox, SearchOpenDetail } from './MessageSearchBox';
import { theme } from './theme';
import { PageSignals } from './PageSignals';

/**
 * The application shell: the app bar (name, notifications, Install app), the offline and
 * update banners, and either the name screen or the rooms beside the open room (one pane at a
 * time on a phone), all in one main landmark. It turns the elements' intents into
 * ChatApplication calls, and puts the keyboard focus where the user goes next: the message
 * box once a room is open, else "Create room". A skip link leads to the message box. The
 * room's view, the dialogs and the history files are their own modules; the room's view and
 * the dialogs load when first shown.
 */
@customElement('chat-app')
export class ChatApp extends PageSignals {
  static override styles = [theme, noticeStyles, shellStyles];

  /** The user's identity: "Your identity" (export, import, the key); wired by src/main.ts. */
  @property({ attribute: false }) account: IdentityAccount | undefined;
  /** Asks the user to confirm leaving a room (the browser's dialog; tests replace it). */
  confirmLeave: (question: string) => boolean = (question) => window.confirm(question);
  @state() private editingName = false;
  /** What the last export or import did, told to the user until the next one. */
  @state() private historyNotice: string | undefined;
  private readonly controller = new AppController(this);
  private readonly accountSource = new SourceController(this);
  private readonly dialogs = new IdentityDialogs(this);

  override willUpdate(): void {
    this.controller.follow(this.app);
    this.accountSource.follow(this.account);
    this.followConnectivity();
    if (this.app?.current) {
      loadRoomView().catch((error: unknown) => {
        console.error('MeshChat could not load the room view', error);
      });
    }
    const record = this.app?.currentRecord;
    const room = record
      ? this.app?.rooms.find((r) => r.record.roomId === record.roomId)
      : undefined;
    // Unread messages elsewhere show in the tab's title too, as other chat apps do.
    const unread = this.unreadElsewhere();
    document.title =
      (unread > 0 ? `(${unread}) ` : '') + (room ? `${room.label} · MeshChat` : 'MeshChat');
  }

  /** Unread messages in the rooms not on screen. */
  private unreadElsewhere(): number {
    const current = this.app?.currentRecord?.roomId;
    let unread = 0;
    for (const room of this.app?.rooms ?? []) {
      if (room.record.roomId !== current) unread += room.unread;
    }
    return unread;
  }

  override render() {
    const inRoom = this.app?.current !== undefined && !this.naming;
    return html`
      ${renderAppBar({
        inRoom,
        app: this.app,
        account: this.account,
        naming: this.naming,
        editingName: this.editingName,
        installable: this.installable,
        onSkip: this.onSkip,
        editName: () => (this.editingName = true),
        showIdentity: this.showIdentity,
        onInstall: this.onInstall,
      })}
      ${renderBanners(
        {
          app: this.app,
          account: this.account,
          online: this.online,
          updateReady: this.updateReady,
          historyNotice: this.historyNotice,
        },
        () => (this.historyNotice = undefined),
      )}
      ${this.dialogs.render(this.account)}
      ${
        !this.app
          ? html`<main class="solo"><p class="placeholder" role="status">Loading…</p></main>`
          : this.naming
            ? html`<main class="solo">
                <chat-name-form
                  .value=${this.app.displayName ?? ''}
                  ?editing=${this.editingName}
                  @name-submit=${this.onName}
                  @name-cancel=${this.onNameCancel}
                ></chat-name-form>
              </main>`
            : this.renderRooms(this.app)
      }
    `;
  }

  private get naming(): boolean {
    return !this.app?.displayName || this.editingName;
  }

  /**
   * Moves the keyboard focus where the user goes next: the message box of the open room, else
   * "Create room" (never left on <body> after the element that had it went away).
   */
  async focusNext(): Promise<void> {
    await this.updateComplete;
    const view = this.renderRoot.querySelector<RoomView>('chat-room-view');
    if (view) {
      await customElements.whenDefined('chat-room-view');
      // A view taken out of the page before its element was defined is never upgraded.
      if (view.isConnected && typeof view.focusComposer === 'function') await view.focusComposer();
      return;
    }
    const list = this.renderRoot.querySelector<RoomList>('chat-room-list');
    await list?.updateComplete;
    list?.focusCreate();
  }

  private readonly onSkip = (event: Event): void => {
    event.preventDefault();
    void this.focusNext();
  };

  private readonly showIdentity = (): void => {
    this.dialogs.showIdentity().catch((error: unknown) => {
      console.error('MeshChat could not open “Your identity”', error);
    });
  };

  /** Shows the safety number with a participant (the user's own key: "Your identity"). */
  private readonly onKeyCompare = (event: CustomEvent<KeyCompareDetail>): void => {
    const { userId, self } = event.detail;
    const account = this.account;
    if (!account) return;
    if (self) return this.showIdentity();
    const name = this.app?.names.label(userId) ?? userId;
    this.dialogs.compare(account, userId, name).catch((error: unknown) => {
      console.error('MeshChat could not show the safety number', error);
    });
  };

  private readonly onNameCancel = (): void => {
    this.editingName = false;
    void this.focusNext();
  };

  /** Runs a room intent, then sends the focus to the room it opened. */
  private async thenFocus(work: Promise<unknown>): Promise<void> {
    await work;
    await this.focusNext();
  }

  /** Leaving deletes the room's history on this device, so the user confirms it first. */
  private leave(app: ChatApplication, record: RoomRecord): void {
    const what = record.kind === 'dm' ? 'this conversation' : `“${record.title}”`;
    const ok = this.confirmLeave(
      `Leave ${what}? Its messages will be deleted from this device. Others keep their copies.`,
    );
    if (ok) void app.leaveRoom(record.roomId);
  }

  private async exportHistory(app: ChatApplication, roomId: string): Promise<void> {
    this.historyNotice = await exportHistoryFile(app, roomId);
  }

  private async importHistory(app: ChatApplication, roomId: string, text: string): Promise<void> {
    this.historyNotice = await importHistoryFile(app, roomId, text);
  }

  private renderRooms(app: ChatApplication) {
    const room = app.current;
    return html`<main class="body" data-view=${room ? 'room' : 'home'}>
      ${renderRoomsNav(app, {
        account: this.account,
        thenFocus: (work) => this.thenFocus(work),
        onSearchOpen: this.onSearchOpen,
        showIdentity: this.showIdentity,
      })}
      ${renderRoomPane(app, {
        online: this.online,
        unreadElsewhere: this.unreadElsewhere(),
        checkConnection: () => void (this.connectivity ?? this.ownConnectivity)?.check(),
        leave: (record) => this.leave(app, record),
        exportHistory: (roomId) => void this.exportHistory(app, roomId),
        importHistory: (roomId, text) => void this.importHistory(app, roomId, text),
        onKeyCompare: this.onKeyCompare,
      })}
    </main>`;
  }

  /** Opens the room of a search result and shows the message in it. */
  private readonly onSearchOpen = async (event: CustomEvent<SearchOpenDetail>): Promise<void> => {
    const { roomId, id } = event.detail;
    const box = event.target as MessageSearchBox;
    await this.app?.openRoom(roomId);
    await this.updateComplete;
    const view = this.renderRoot.querySelector('chat-room-view');
    await view?.updateComplete;
    if (!(await view?.reveal(id))) {
      box.tell('That message is no longer in this room’s history on this device.');
    }
  };

  private readonly onName = async (event: CustomEvent<NameSubmitDetail>): Promise<void> => {
    await this.app?.setDisplayName(event.detail.name);
    this.editingName = false;
    await this.focusNext();
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-app': ChatApp;
  }
}
