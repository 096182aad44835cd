import { LitElement, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import type { NameBook } from '../app/NameBook';
import type { RoomState } from '../app/RoomState';
import './Composer';
import type { Composer, FilesAttachDetail, MessageSendDetail, ReplyTarget } from './Composer';
import './ConnectionStatus';
import { RoomController } from './controllers/RoomController';
import './MessageLog';
import type { MessageLog } from './MessageLog';
import type {
  MessageDeleteDetail,
  MessageEditDetail,
  MessageReactDetail,
  MessageReplyDetail,
} from './MessageActions';
import './ParticipantList';
import './RoomMenu';
import type { RoomNameDetail, RoomNameDialog } from './RoomNameDialog';
import './ShareDialog';
import './UnreachableNotice';
import type { ShareDialog } from './ShareDialog';
import { roomViewStyles } from './roomViewStyles';
import { theme } from './theme';

/** What a room says while someone is in it with another password (see PasswordMismatch). */
export const PASSWORD_MISMATCH =
  'Someone is in this room with a different password, so neither of you can reach the other. Ask them for the link again (the password is the part after “#k=”), or send them yours.';

/** What a room says once its history reached the size a room may grow to (DocumentCeiling). */
export const DOCUMENT_FULL =
  'This room’s history has reached the largest size this device keeps for a room, so new messages from others no longer arrive here. Everything already here stays, and you can still write.';

/**
 * One room on screen: its header (back with the unread count of other rooms, the room's
 * name and topic, connection, share, and a "More" menu with Rename room), the participants
 * at the top, the message log (with reply, react, edit and delete on each message), and the
 * composer. Reads the room through RoomController; sends `go-home` up, and passes on
 * `room-leave`, `room-mute`, `room-unmute`, `history-export` and `history-import` (detail: the file's text) from the menu
 * and `direct-message` from the participant list.
 */
@customElement('chat-room-view')
export class RoomView extends LitElement {
  static override styles = [theme, roomViewStyles];

  @property({ attribute: false }) room: RoomState | undefined;
  @property({ attribute: false }) names: NameBook | undefined;
  @property() heading = '';
  @property() link = '';
  @property({ type: Boolean }) online = true;
  @property({ type: Boolean }) direct = false;
  /** Whether "Message privately" can be offered for a user (never inside a DM). */
  @property({ attribute: false }) canMessage: (userId: string) => boolean = () => false;
  /** The user muted this room's notifications. */
  @property({ type: Boolean }) muted = false;
  /** Messages of others after this time get a "new since you left" line above them. */
  @property({ attribute: false }) newSince: number | undefined;
  /** Unread messages in the other rooms: shown on the phone's back button. */
  @property({ type: Number }) unreadElsewhere = 0;
  @query('chat-share-dialog') private share!: ShareDialog;
  @query('chat-message-log') private log!: MessageLog;
  @query('chat-room-name-dialog') private nameDialog!: RoomNameDialog;
  /** The message the user chose to answer, until sent or dropped. */
  @state() private replyingTo: ReplyTarget | undefined;
  private readonly controller = new RoomController(this);

  override willUpdate(): void {
    this.controller.follow(this.room);
  }

  /** Whether the signaling server was last seen unreachable (told up once per loss). */
  private signalingLost = false;

  override updated(): void {
    const snapshot = this.controller.snapshot;
    if (!snapshot) return;
    const lost = !snapshot.status.signaling && !snapshot.connecting;
    // A lost signaling connection may mean the network is gone: ask the app to check, since
    // the browser's own online flag can be wrong (after an offline reload, say).
    if (lost && !this.signalingLost) {
      this.dispatchEvent(new CustomEvent('connection-check', { bubbles: true, composed: true }));
    }
    this.signalingLost = lost;
  }

  override render() {
    const snapshot = this.controller.snapshot;
    if (!snapshot) return nothing;
    return html`
      <header>
        <button class="back" type="button" @click=${() => this.emit('go-home')}>
          <span class="arrow" aria-hidden="true">←</span>Rooms${
            this.unreadElsewhere > 0
              ? html`<span class="badge"
                  >${this.unreadElsewhere}<span class="sr-only"> unread elsewhere</span></span
                >`
              : nothing
          }
        </button>
        <div class="heading">
          <h2>
            ${this.title_(snapshot)}${this.direct ? html` <small>(private)</small>` : nothing}
          </h2>
          ${
            snapshot.profile?.topic && !this.direct
              ? html`<p class="topic">${snapshot.profile.topic}</p>`
              : nothing
          }
          <chat-connection-status
            .status=${snapshot.status}
            ?online=${this.online}
            ?connecting=${snapshot.connecting}
          ></chat-connection-status>
        </div>
        <div class="tools">
          ${
            // A private room has no link to share: only its two users can derive it.
            this.direct
              ? nothing
              : html`<button
                  type="button"
                  aria-label="Share room link"
                  @click=${() => this.share.show()}
                >
                  Share<span class="wide"> room link</span>
                </button>`
          }
          <chat-room-menu
            ?renamable=${!this.direct}
            .files=${this.controller.files}
            @room-rename=${this.onRename}
          ></chat-room-menu>
        </div>
      </header>
      ${
        snapshot.status.documentFull === true
          ? html`<p class="mismatch" role="status">${DOCUMENT_FULL}</p>`
          : snapshot.status.passwordMismatch === true
            ? html`<p class="mismatch" role="status">${PASSWORD_MISMATCH}</p>`
            : // Others are known but none can be reached: say so and what helps, instead of
              // leaving the user waiting for messages that cannot arrive.
              this.online && snapshot.status.unreachable && snapshot.status.peers === 0
              ? html`<chat-unreachable-notice></chat-unreachable-notice>`
              : nothing
      }
      <chat-participants
        .participants=${snapshot.participants}
        .canMessage=${this.direct ? () => false : this.canMessage}
      ></chat-participants>
      ${keyed(
        snapshot.roomId,
        html`<chat-message-log
          .lines=${snapshot.lines}
          .names=${this.names}
          .namesRevision=${this.names?.revision ?? 0}
          .newSince=${this.newSince}
          .files=${this.controller.files}
          selfName=${snapshot.participants.find((p) => p.self)?.label ?? ''}
          ?hasOlder=${snapshot.hasOlder}
          @load-older=${() => this.controller.showOlder()}
          @message-edit=${(e: CustomEvent<MessageEditDetail>) =>
            this.controller.edit(e.detail.id, e.detail.text)}
          @message-delete=${(e: CustomEvent<MessageDeleteDetail>) =>
            this.controller.deleteMessage(e.detail.id)}
          @message-react=${(e: CustomEvent<MessageReactDetail>) =>
            this.controller.react(e.detail.id, e.detail.emoji)}
          @message-reply=${this.onReply}
          @lines-shown=${() => this.controller.shown()}
        ></chat-message-log>`,
      )}
      <chat-composer
        .typing=${snapshot.typing}
        ?disabled=${snapshot.ended}
        .replyingTo=${this.replyingTo}
        .people=${snapshot.participants.filter((p) => !p.self).map((p) => p.label)}
        @reply-cancel=${() => (this.replyingTo = undefined)}
        @message-send=${this.onSend}
        @files-attach=${this.onAttach}
        @message-typing=${() => this.controller.typing()}
        @message-typing-stop=${() => this.controller.stopTyping()}
      ></chat-composer>
      <chat-share-dialog .link=${this.link} name=${this.title_(snapshot)}></chat-share-dialog>
      ${
        this.direct
          ? nothing
          : html`<chat-room-name-dialog
              name=${snapshot.profile?.name ?? ''}
              topic=${snapshot.profile?.topic ?? ''}
              setBy=${snapshot.profile ? (this.names?.label(snapshot.profile.by) ?? '') : ''}
              @room-name=${this.onRoomName}
            ></chat-room-name-dialog>`
      }
    `;
  }

  /** Shows message `id` in the log (a search result); false if this device does not hold it. */
  async reveal(id: string): Promise<boolean> {
    await this.updateComplete;
    await this.log.updateComplete;
    return this.log.reveal(id);
  }

  /** Puts the keyboard focus in the message box. */
  async focusComposer(): Promise<void> {
    await this.updateComplete;
    const composer = this.renderRoot.querySelector('chat-composer');
    await composer?.updateComplete;
    composer?.focus();
  }

  /** The room's name: as its members set it in the log, else the title it has here. */
  private title_(snapshot: { profile?: { name: string } }): string {
    return (!this.direct && snapshot.profile?.name) || this.heading;
  }

  /** The room name dialog, its code loaded the first time it opens. */
  private readonly onRename = async (): Promise<void> => {
    try {
      await import('./RoomNameDialog');
    } catch (error) {
      console.error('MeshChat could not open the room name dialog', error);
      return;
    }
    await this.updateComplete;
    await this.nameDialog.updateComplete;
    await this.nameDialog.show();
  };

  private readonly onRoomName = (event: CustomEvent<RoomNameDetail>): void => {
    const refused = this.controller.nameRoom(event.detail.name, event.detail.topic);
    if (refused) {
      (event.target as RoomNameDialog).refuse(
        refused === 'too-long'
          ? 'That name is too long: at most 64 characters, and 256 for the topic.'
          : 'The name could not be saved: this room is closed here. Reload and try again.',
      );
    }
  };

  private readonly onReply = (event: CustomEvent<MessageReplyDetail>): void => {
    const line = this.controller.snapshot?.lines.find(
      (l) => l.kind === 'message' && l.id === event.detail.id,
    );
    if (line?.kind !== 'message') return;
    const who = line.own ? 'yourself' : (this.names?.label(line.userId) ?? line.userId.slice(0, 9));
    const text = line.text.replace(/\s+/g, ' ').trim();
    this.replyingTo = { id: line.id, who, text: text.length > 80 ? `${text.slice(0, 79)}…` : text };
    void this.focusComposer();
  };

  private readonly onSend = (event: CustomEvent<MessageSendDetail>): void => {
    let sent: boolean;
    try {
      sent = this.controller.send(event.detail.text, event.detail.replyTo);
    } catch (error) {
      // The log refused the text (too long for this room, say): the composer keeps it.
      event.preventDefault();
      const reason = error instanceof Error ? error.message : String(error);
      (event.target as Composer).refuse(`Not sent: ${reason}`);
      return;
    }
    if (sent) {
      this.replyingTo = undefined;
      void this.log.scrollToEnd();
    }
  };

  private readonly onAttach = (event: CustomEvent<FilesAttachDetail>): void => {
    const composer = event.target as Composer;
    void (async () => {
      for (const file of event.detail.files) {
        const refused = await this.controller.shareFile(file);
        if (refused) composer.refuse(`${file.name}: ${refused}`);
        else void this.log.scrollToEnd();
      }
    })();
  };

  private emit(type: string): void {
    this.dispatchEvent(new CustomEvent(type, { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-room-view': RoomView;
  }
}
