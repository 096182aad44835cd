import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Participant } from '../app/RoomSnapshot';
import { theme } from './theme';

/** Detail of `direct-message`. */
export interface DirectMessageDetail {
  readonly userId: string;
}

/** Detail of `key-compare`: whose key to compare (the user's own for themself). */
export interface KeyCompareDetail {
  readonly userId: string;
  readonly self: boolean;
}

/**
 * Who is in the room: each user once, however many tabs, with the online count. Every name
 * carries its key tag so same-named users are told apart; the tag is a button that sends
 * `key-compare` up (to show the safety number). "Message privately" sends `direct-message`
 * up, for users whose DM key is known (`canMessage`).
 */
@customElement('chat-participants')
export class ParticipantList extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: block;
      }
      .count {
        font-size: 0.85rem;
        color: var(--mc-muted);
        margin: 0 0 0.3rem;
      }
      /* One row that scrolls sideways: on a phone a third person is never cut in half, and
         the strip never takes height from the messages. */
      ul {
        list-style: none;
        margin: 0;
        padding: 0 0 0.2rem;
        display: flex;
        gap: 0.35rem;
        overflow-x: auto;
        overscroll-behavior-x: contain;
        scrollbar-width: thin;
      }
      li {
        flex: none;
        display: flex;
        align-items: center;
        gap: 0.35rem;
        background: var(--mc-surface);
        border: 1px solid var(--mc-border);
        border-radius: 999px;
        padding: 0.15rem 0.25rem 0.15rem 0.65rem;
        min-height: 2rem;
      }
      .dot {
        width: 0.5rem;
        height: 0.5rem;
        border-radius: 50%;
        background: #2e9d57;
        flex: none;
      }
      .tag {
        font-family: ui-monospace, monospace;
        font-size: 0.75rem;
        color: var(--mc-muted);
        background: transparent;
        border: 1px dashed var(--mc-border);
        min-height: 1.5rem;
        padding: 0 0.35rem;
      }
      .you,
      .typing {
        font-size: 0.8rem;
        color: var(--mc-muted);
      }
      .name {
        max-width: 12rem;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      button {
        min-height: 1.75rem;
        padding: 0.1rem 0.55rem;
        font-size: 0.8rem;
        border-radius: 999px;
      }
      li.self {
        padding-right: 0.65rem;
      }
    `,
  ];

  @property({ attribute: false }) participants: readonly Participant[] = [];
  /** Whether "Message privately" can be offered for a user. */
  @property({ attribute: false }) canMessage: (userId: string) => boolean = () => false;

  override render() {
    const count = this.participants.length;
    return html`
      <p class="count" id="online-count">${count} online</p>
      <ul role="list" aria-label="Participants" aria-describedby="online-count" tabindex="0">
        ${this.participants.map((p) => this.renderParticipant(p))}
      </ul>
    `;
  }

  private renderParticipant(p: Participant) {
    const name = p.label.endsWith(`(${p.tag})`) ? p.label.slice(0, -p.tag.length - 3) : p.label;
    return html`<li class=${p.self ? 'self' : ''}>
      <span class="dot" aria-hidden="true"></span>
      <span class="name">${name}</span>
      <button
        type="button"
        class="tag"
        title="Compare keys"
        aria-label=${p.self ? `Your key: ${p.tag}` : `Compare keys with ${name} ${p.tag}`}
        @click=${() => this.onCompare(p)}
      >
        ${p.tag}
      </button>
      ${p.self ? html`<span class="you">(you)</span>` : nothing}
      ${p.typing ? html`<span class="typing">typing…</span>` : nothing}
      ${
        !p.self && this.canMessage(p.userId)
          ? html`<button
              type="button"
              aria-label=${`Message privately: ${name} ${p.tag}`}
              @click=${() => this.onMessage(p.userId)}
            >
              Message privately
            </button>`
          : nothing
      }
    </li>`;
  }

  private onCompare(p: Participant): void {
    this.dispatchEvent(
      new CustomEvent<KeyCompareDetail>('key-compare', {
        detail: { userId: p.userId, self: p.self },
        bubbles: true,
        composed: true,
      }),
    );
  }

  private onMessage(userId: string): void {
    this.dispatchEvent(
      new CustomEvent<DirectMessageDetail>('direct-message', {
        detail: { userId },
        bubbles: true,
        composed: true,
      }),
    );
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-participants': ParticipantList;
  }
}
