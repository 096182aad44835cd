import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { MAX_MESSAGE_LENGTH } from '../app/limits';
import { numbers } from './formats';
import { composerStyles } from './composerStyles';
import { theme } from './theme';
import { MentionBox } from './MentionBox';

/** Detail of `message-send`. */
export interface MessageSendDetail {
  readonly text: string;
  /** The message this one answers, when the user chose Reply. */
  readonly replyTo?: string;
}

/** The message the user is answering, as the box shows it. */
export interface ReplyTarget {
  readonly id: string;
  readonly who: string;
  readonly text: string;
}

/** The counter shows once this few characters are left. */
const COUNTER_FROM = 1000;

/**
 * The message box. Enter sends, Shift+Enter starts a new line; empty or whitespace-only
 * input is ignored; the box is cleared after sending. Text over `maxLength` is never sent and
 * never cleared: the box says by how much it is over, so nothing the user wrote is lost.
 * Sends `message-send` (cancel it to keep the text in the box), `message-typing` on every keystroke and `message-typing-stop` when
 * the box is emptied or a send is refused. Shows who is typing above the box, and the
 * message being answered after Reply (`reply-cancel` when the user drops it: Escape or
 * "Cancel reply"). After "@" it offers the room's people to mention: arrows choose, Enter or
 * Tab puts "@Name " in, Escape closes the list.
 */
@customElement('chat-composer')
export class Composer extends MentionBox {
  static override styles = [theme, composerStyles];

  /** Labels of the users typing now. */
  @property({ attribute: false }) typing: readonly string[] = [];
  @property({ type: Boolean }) disabled = false;
  /** The longest message the room accepts, in UTF-16 code units (as the log counts). */
  @property({ type: Number }) maxLength = MAX_MESSAGE_LENGTH;
  /** The message the next send answers. */
  @property({ attribute: false }) replyingTo: ReplyTarget | undefined;
  /** Why the last send was refused, until the text changes. */
  @state() private error = '';

  override render() {
    const left = this.maxLength - this.length;
    const counter = left <= COUNTER_FROM;
    return html`
      <p class="typing" aria-live="polite">${this.typingText() || nothing}</p>
      ${
        this.replyingTo
          ? html`<div class="replying">
              <span
                >Replying to <strong>${this.replyingTo.who}</strong>: ${this.replyingTo.text}</span
              >
              <button type="button" @click=${this.cancelReply}>Cancel reply</button>
            </div>`
          : nothing
      }
      ${this.suggestions.length > 0 ? this.mentionList() : nothing}
      <form
        @submit=${this.onSubmit}
        @dragover=${(e: DragEvent) => e.preventDefault()}
        @drop=${this.onDrop}
      >
        <label class="attach" title="Attach file"
          ><span aria-hidden="true">📎</span
          ><input
            type="file"
            multiple
            aria-label="Attach file"
            ?disabled=${this.disabled}
            @change=${this.onPick}
        /></label>
        <textarea
          aria-label="Message"
          aria-invalid=${this.error ? 'true' : 'false'}
          aria-describedby="count error"
          aria-autocomplete="list"
          aria-controls=${this.suggestions.length > 0 ? 'mention-list' : nothing}
          aria-activedescendant=${this.suggestions.length > 0 ? `mention-${String(this.active)}` : nothing}
          placeholder=${this.disabled ? 'This chat has ended' : 'Write a message'}
          rows="1"
          enterkeyhint="send"
          ?disabled=${this.disabled}
          @keydown=${this.onKeyDown}
          @input=${this.onInput}
          @paste=${this.onPaste}
        ></textarea>
        <button class="primary" type="submit" ?disabled=${this.disabled}>Send</button>
      </form>
      ${
        counter && !this.error
          ? html`<p id="count" class="count ${left < 0 ? 'over' : ''}">
              ${
                left >= 0
                  ? `${numbers().format(left)} characters left`
                  : `${numbers().format(-left)} characters over the limit`
              }
            </p>`
          : nothing
      }
      <p id="error" class="error" role="alert">${this.error || nothing}</p>
    `;
  }

  /** Puts the keyboard focus in the message box. */
  override focus(): void {
    this.box.focus();
  }

  private typingText(): string {
    const [first, second] = this.typing;
    if (first === undefined) return '';
    if (second === undefined) return `${first} is typing…`;
    if (this.typing.length === 2) return `${first} and ${second} are typing…`;
    return `${this.typing.length} people are typing…`;
  }

  private readonly cancelReply = (): void => {
    this.emit('reply-cancel');
    this.box.focus();
  };

  private readonly onKeyDown = (event: KeyboardEvent): void => {
    if (this.suggestions.length > 0 && this.onListKey(event)) return;
    if (event.key === 'Escape' && this.replyingTo) {
      event.preventDefault();
      this.cancelReply();
      return;
    }
    // Enter while composing (an IME candidate) confirms the candidate, it does not send.
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    this.send();
  };

  private readonly onInput = (): void => {
    this.offerMentions();
    const text = this.box.value;
    this.length = text.length;
    this.error = '';
    if (text.trim() === '') this.emit('message-typing-stop');
    else if (text.length <= this.maxLength) this.emit('message-typing');
  };

  private readonly onSubmit = (event: Event): void => {
    event.preventDefault();
    this.send();
    this.box.focus();
  };

  private send(): void {
    const text = this.box.value;
    if (this.disabled || text.trim() === '') return;
    if (text.length > this.maxLength) {
      this.refuse(
        `Not sent: this message is ${numbers().format(text.length)} characters long and the ` +
          `limit is ${numbers().format(this.maxLength)}. Shorten it or send it in parts.`,
      );
      return;
    }
    const accepted = this.dispatchEvent(
      new CustomEvent<MessageSendDetail>('message-send', {
        detail: this.replyingTo ? { text, replyTo: this.replyingTo.id } : { text },
        bubbles: true,
        composed: true,
        cancelable: true,
      }),
    );
    // A listener that could not send the text cancels the event: the text stays in the box.
    if (!accepted) return;
    this.box.value = '';
    this.length = 0;
    this.suggestions = [];
  }

  private readonly onPick = (event: Event): void => {
    const input = event.target as HTMLInputElement;
    this.attach(input.files);
    input.value = '';
  };

  private readonly onPaste = (event: ClipboardEvent): void => {
    if (event.clipboardData?.files.length) {
      event.preventDefault();
      this.attach(event.clipboardData.files);
    }
  };

  private readonly onDrop = (event: DragEvent): void => {
    event.preventDefault();
    this.attach(event.dataTransfer?.files ?? null);
  };

  /** Sends files picked, pasted or dropped up as `files-attach` (detail: FilesAttachDetail). */
  private attach(files: FileList | null): void {
    if (this.disabled || !files || files.length === 0) return;
    this.dispatchEvent(
      new CustomEvent<FilesAttachDetail>('files-attach', {
        detail: { files: [...files] },
        bubbles: true,
        composed: true,
      }),
    );
  }

  /** Says why the text in the box was not sent; the text stays for the user to retry. */
  refuse(reason: string): void {
    this.error = reason;
    this.emit('message-typing-stop');
  }

  private emit(type: string): void {
    this.dispatchEvent(new CustomEvent(type, { bubbles: true, composed: true }));
  }
}

/** Detail of `files-attach`: files to share in the room. */
export interface FilesAttachDetail {
  readonly files: readonly File[];
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-composer': Composer;
  }
}
