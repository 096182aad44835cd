import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { theme } from './theme';

/** Detail of `message-send`. */
export interface MessageSendDetail {
  readonly text: string;
}

/**
 * The message box. Enter sends, Shift+Enter starts a new line; empty or whitespace-only
 * input is ignored; the box is cleared after sending. Sends `message-send` and, on every
 * keystroke, `message-typing` up. Shows who is typing above the box.
 */
@customElement('chat-composer')
export class Composer extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: block;
        padding: 0.25rem 0.75rem 0.75rem;
      }
      .typing {
        font-size: 0.8rem;
        color: var(--mc-muted);
        min-height: 1.2rem;
        margin: 0 0 0.2rem;
      }
      form {
        display: flex;
        gap: 0.5rem;
        align-items: flex-end;
      }
      textarea {
        flex: 1;
        min-width: 0;
        resize: none;
        min-height: 2.6rem;
        max-height: 10rem;
        box-sizing: border-box;
        field-sizing: content;
      }
    `,
  ];

  /** Labels of the users typing now. */
  @property({ attribute: false }) typing: readonly string[] = [];
  @property({ type: Boolean }) disabled = false;
  @query('textarea') private box!: HTMLTextAreaElement;

  override render() {
    return html`
      <p class="typing" aria-live="polite">${this.typingText() || nothing}</p>
      <form @submit=${this.onSubmit}>
        <textarea
          aria-label="Message"
          placeholder=${this.disabled ? 'This chat has ended' : 'Write a message'}
          rows="1"
          enterkeyhint="send"
          ?disabled=${this.disabled}
          @keydown=${this.onKeyDown}
          @input=${this.onInput}
        ></textarea>
        <button class="primary" type="submit" ?disabled=${this.disabled}>Send</button>
      </form>
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

  private readonly onKeyDown = (event: KeyboardEvent): void => {
    // Enter while composing (an IME candidate) confirms the candidate, it does not send.
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    this.send();
  };

  private readonly onInput = (): void => {
    if (this.box.value.trim() !== '') {
      this.dispatchEvent(new CustomEvent('message-typing', { bubbles: true, composed: true }));
    }
  };

  private readonly onSubmit = (event: Event): void => {
    event.preventDefault();
    this.send();
    this.box.focus();
  };

  private send(): void {
    const text = this.box.value;
    if (this.disabled || text.trim() === '') return;
    this.dispatchEvent(
      new CustomEvent<MessageSendDetail>('message-send', {
        detail: { text },
        bubbles: true,
        composed: true,
      }),
    );
    this.box.value = '';
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-composer': Composer;
  }
}
