import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import type { NameBook } from '../app/NameBook';
import type { RoomState } from '../app/RoomState';
import './Composer';
import type { Composer, MessageSendDetail } from './Composer';
import './ConnectionStatus';
import { RoomController } from './controllers/RoomController';
import './MessageLog';
import type { MessageLog } from './MessageLog';
import './ParticipantList';
import './ShareDialog';
import type { ShareDialog } from './ShareDialog';
import { theme } from './theme';

/**
 * One room on screen: its header (back, title, connection, share, leave), the participants at
 * the top, the message log, and the composer. Reads the room through RoomController; sends
 * `go-home`, `room-leave`, `history-export` and `history-import` (detail: the file's text) up
 * (and `direct-message` from the participant list).
 */
@customElement('chat-room-view')
export class RoomView extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
        height: 100%;
        background: var(--mc-bg);
      }
      input.file {
        display: none;
      }
      header {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.4rem 0.5rem;
        padding: 0.5rem 0.75rem;
        border-bottom: 1px solid var(--mc-border);
      }
      .heading {
        flex: 1;
        min-width: 8rem;
      }
      h2 {
        margin: 0;
        font-size: 1.1rem;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .back {
        display: var(--mc-back-display, none);
        align-items: center;
        gap: 0.3rem;
      }
      .tools {
        display: flex;
        gap: 0.4rem;
      }
      @media (max-width: 720px) {
        .tools button,
        .back {
          font-size: 0.875rem;
          padding: 0.3rem 0.6rem;
          min-height: 2.25rem;
        }
      }
      chat-participants {
        padding: 0.5rem 0.75rem;
        border-bottom: 1px solid var(--mc-border);
      }
      chat-message-log {
        flex: 1;
      }
      chat-composer {
        border-top: 1px solid var(--mc-border);
      }
    `,
  ];

  @property({ attribute: false }) room: RoomState | undefined;
  @property({ attribute: false }) names: NameBook | undefined;
  @property() heading = '';
  @property() link = '';
  @property({ type: Boolean }) online = true;
  @property({ type: Boolean }) direct = false;
  @property({ attribute: false }) canMessage: (userId: string) => boolean = () => false;
  @query('chat-share-dialog') private share!: ShareDialog;
  @query('input.file') private importInput!: HTMLInputElement;
  @query('chat-message-log') private log!: MessageLog;
  private readonly controller = new RoomController(this);

  override willUpdate(): void {
    this.controller.follow(this.room);
  }

  override render() {
    const snapshot = this.controller.snapshot;
    if (!snapshot) return nothing;
    return html`
      <header>
        <button class="back" type="button" @click=${() => this.emit('go-home')}>
          <span class="arrow" aria-hidden="true">←</span>Rooms
        </button>
        <div class="heading">
          <h2>${this.heading}${this.direct ? html` <small>(private)</small>` : nothing}</h2>
          <chat-connection-status
            .status=${snapshot.status}
            ?online=${this.online}
            ?connecting=${snapshot.connecting}
          ></chat-connection-status>
        </div>
        <div class="tools">
          <button type="button" @click=${() => this.share.show()}>Share room link</button>
          <button type="button" @click=${() => this.emit('history-export')}>Export history</button>
          <button type="button" @click=${() => this.importInput.click()}>Import history</button>
          <input
            class="file"
            type="file"
            accept=".jsonl,.ndjson,application/x-ndjson,text/plain"
            aria-label="History file to import"
            tabindex="-1"
            @change=${this.onImportFile}
          />
          <button type="button" @click=${() => this.emit('room-leave')}>Leave room</button>
        </div>
      </header>
      <chat-participants
        .participants=${snapshot.participants}
        .canMessage=${this.canMessage}
      ></chat-participants>
      ${keyed(
        snapshot.roomId,
        html`<chat-message-log
          .lines=${snapshot.lines}
          .names=${this.names}
          .namesRevision=${this.names?.revision ?? 0}
          ?hasOlder=${snapshot.hasOlder}
          @load-older=${() => this.controller.showOlder()}
          @lines-shown=${() => this.controller.shown()}
        ></chat-message-log>`,
      )}
      <chat-composer
        .typing=${snapshot.typing}
        ?disabled=${snapshot.ended}
        @message-send=${this.onSend}
        @message-typing=${() => this.controller.typing()}
      ></chat-composer>
      <chat-share-dialog .link=${this.link}></chat-share-dialog>
    `;
  }

  /** Reads the chosen file and sends its text up; the same file can be chosen again. */
  private readonly onImportFile = async (): Promise<void> => {
    const file = this.importInput.files?.[0];
    this.importInput.value = '';
    if (!file) return;
    const text = await file.text();
    this.dispatchEvent(
      new CustomEvent<string>('history-import', { detail: text, bubbles: true, composed: true }),
    );
  };

  private readonly onSend = (event: CustomEvent<MessageSendDetail>): void => {
    let sent: boolean;
    try {
      sent = this.controller.send(event.detail.text);
    } catch (error) {
      // The log refused the text (too long for this room, say): the composer keeps it.
      event.preventDefault();
      const reason = error instanceof Error ? error.message : String(error);
      (event.target as Composer).refuse(`Not sent: ${reason}`);
      return;
    }
    if (sent) void this.log.scrollToEnd();
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
