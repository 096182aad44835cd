import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { MessageLine } from '../app/ChatLine';
import { isReaction } from '../app/RoomAmendments';
import { theme } from './theme';

/** Detail of `message-edit`: the user's new text for their message `id`. */
export interface MessageEditDetail {
  readonly id: string;
  readonly text: string;
}

/** Detail of `message-delete`: the user confirmed deleting their message `id`. */
export interface MessageDeleteDetail {
  readonly id: string;
}

/** Detail of `message-reply`: the user wants to answer message `id`. */
export interface MessageReplyDetail {
  readonly id: string;
}

/** Detail of `message-react`: the user picked `emoji` for message `id` (or took it back). */
export interface MessageReactDetail {
  readonly id: string;
  readonly emoji: string;
}

/** The reactions offered first; any other emoji can be typed in. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🎉'] as const;

/**
 * The actions on one message, shown when its row is hovered or holds the focus: Reply and
 * React on every message, and Edit and Delete on the user's own. React opens a small picker
 * (a few common emoji, or any typed in); Edit opens a box in place with the text; Delete asks
 * first, and says that copies may remain on other devices. Intents go up as events; the
 * room decides (only the author's own edit or deletion takes effect anywhere).
 */
@customElement('chat-message-actions')
export class MessageActions extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: block;
        /* The bubble's colours (own messages are light on dark), not the theme's. */
        color: inherit;
      }
      .bar {
        display: flex;
        gap: 0.25rem;
        justify-content: flex-end;
      }
      .bar button {
        font-size: 0.75rem;
        padding: 0.1rem 0.5rem;
        min-height: 1.75rem;
        box-shadow: 0 1px 4px rgb(0 0 0 / 20%);
      }
      form,
      .confirm {
        display: flex;
        flex-direction: column;
        gap: 0.3rem;
        margin-top: 0.3rem;
      }
      textarea {
        font: inherit;
        min-width: 12rem;
      }
      .buttons {
        display: flex;
        gap: 0.3rem;
        justify-content: flex-end;
      }
      p {
        margin: 0;
        font-size: 0.8rem;
      }
      .picker {
        background: var(--mc-bg);
        color: var(--mc-text);
        border: 1px solid var(--mc-border);
        border-radius: var(--mc-radius);
        padding: 0.4rem;
      }
      .quick button {
        font-size: 1.1rem;
        min-width: 2.25rem;
      }
      .picker label {
        display: flex;
        flex-direction: column;
        font-size: 0.8rem;
      }
      .picker p:empty {
        display: none;
      }
    `,
  ];

  @property({ attribute: false }) line: MessageLine | undefined;
  @state() private mode: 'idle' | 'editing' | 'confirming' | 'reacting' = 'idle';
  @state() private reactionError = '';
  /** Reflected while editing or confirming: the log keeps the actions shown then. */
  @property({ type: Boolean, reflect: true }) active = false;

  protected override willUpdate(): void {
    this.active = this.mode !== 'idle';
  }
  @query('textarea') private box: HTMLTextAreaElement | undefined;

  override render() {
    const line = this.line;
    if (!line || line.deleted) return nothing;
    if (this.mode === 'reacting') return this.renderPicker();
    if (this.mode === 'editing') {
      return html`<form @submit=${this.onSave} @keydown=${this.onKey}>
        <textarea aria-label="Edit message" .value=${line.text} rows="2"></textarea>
        <div class="buttons">
          <button type="submit" class="primary">Save</button>
          <button type="button" @click=${this.idle}>Cancel</button>
        </div>
      </form>`;
    }
    if (this.mode === 'confirming') {
      return html`<div class="confirm" role="group" aria-label="Delete this message?">
        <p>
          Delete this message for everyone in the room? Copies may remain on other devices that
          already received it.
        </p>
        <div class="buttons">
          <button type="button" class="primary" @click=${this.onDelete}>Delete message</button>
          <button type="button" @click=${this.idle}>Cancel</button>
        </div>
      </div>`;
    }
    return html`<div class="bar actions">
      <button type="button" @click=${this.onReply}>Reply</button>
      <button type="button" @click=${this.startReact}>React</button>
      ${
        line.own
          ? html`<button type="button" @click=${this.startEdit}>Edit</button>
              <button type="button" @click=${this.confirm}>Delete</button>`
          : nothing
      }
    </div>`;
  }

  private renderPicker() {
    return html`<form
      class="picker"
      role="group"
      aria-label="React to this message"
      @submit=${this.onOtherEmoji}
      @keydown=${this.onKey}
    >
      <div class="buttons quick">
        ${QUICK_REACTIONS.map(
          (emoji) =>
            html`<button
              type="button"
              aria-label=${`React with ${emoji}`}
              @click=${() => this.react(emoji)}
            >
              ${emoji}
            </button>`,
        )}
      </div>
      <label
        >Any emoji
        <input name="emoji" autocomplete="off" maxlength="32" aria-describedby="reaction-error"
      /></label>
      <p id="reaction-error" role="alert">${this.reactionError}</p>
      <div class="buttons">
        <button type="submit" class="primary">Add reaction</button>
        <button type="button" @click=${this.idle}>Cancel</button>
      </div>
    </form>`;
  }

  private readonly onReply = (): void => {
    if (this.line) this.emit('message-reply', { id: this.line.id });
  };

  private readonly startReact = async (): Promise<void> => {
    this.reactionError = '';
    this.mode = 'reacting';
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLButtonElement>('.quick button')?.focus();
  };

  private react(emoji: string): void {
    if (this.line) this.emit('message-react', { id: this.line.id, emoji });
    this.idle();
  }

  private readonly onOtherEmoji = (event: Event): void => {
    event.preventDefault();
    const input = this.renderRoot.querySelector<HTMLInputElement>('input[name="emoji"]');
    const emoji = input?.value.trim() ?? '';
    if (!isReaction(emoji)) {
      this.reactionError = 'A reaction is one emoji, like 👍 or 🎉.';
      input?.focus();
      return;
    }
    this.react(emoji);
  };

  private readonly startEdit = async (): Promise<void> => {
    this.mode = 'editing';
    await this.updateComplete;
    this.box?.focus();
    this.box?.select();
  };

  private readonly confirm = async (): Promise<void> => {
    this.mode = 'confirming';
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLButtonElement>('.confirm .primary')?.focus();
  };

  private readonly idle = (): void => {
    this.mode = 'idle';
  };

  private readonly onKey = (event: KeyboardEvent): void => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      this.idle();
    } else if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      this.save();
    }
  };

  private readonly onSave = (event: Event): void => {
    event.preventDefault();
    this.save();
  };

  private save(): void {
    const text = this.box?.value ?? '';
    if (!this.line || text.trim() === '') return;
    if (text !== this.line.text) {
      this.emit('message-edit', { id: this.line.id, text });
    }
    this.idle();
  }

  private readonly onDelete = (): void => {
    if (this.line) this.emit('message-delete', { id: this.line.id });
    this.idle();
  };

  private emit(
    type: string,
    detail: MessageEditDetail | MessageDeleteDetail | MessageReplyDetail | MessageReactDetail,
  ): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-message-actions': MessageActions;
  }
}
