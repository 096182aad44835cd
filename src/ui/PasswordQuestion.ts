import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { theme } from './theme';

/** Detail of `password-answer`. */
export interface PasswordAnswerDetail {
  /** Whether to use the link's password (else the one this device keeps). */
  readonly useLink: boolean;
}

/**
 * Asked when a link names a joined room with another password than this device keeps for
 * it: a link someone sends must not silently move the room to a password they chose.
 * Sends `password-answer` up.
 */
@customElement('chat-password-question')
export class PasswordQuestion extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: block;
      }
      div {
        margin: 0.75rem;
        padding: 0.75rem;
        border: 1px solid var(--mc-border);
        border-radius: var(--mc-radius);
        font-size: 0.875rem;
      }
      p {
        margin: 0 0 0.5rem;
      }
    `,
  ];

  /** The room's name; empty hides the question. */
  @property() room = '';

  override render() {
    if (!this.room) return nothing;
    return html`<div role="alertdialog" aria-labelledby="question" aria-modal="false">
      <p id="question">
        This link has another password for ${this.room} than the one this device keeps. Use the
        link's password? Only if you trust who sent it: whoever chose it can read what is said with
        it.
      </p>
      <button type="button" @click=${() => this.answer(true)}>Use the link's password</button>
      <button type="button" @click=${() => this.answer(false)}>Keep the current password</button>
    </div>`;
  }

  private answer(useLink: boolean): void {
    const detail: PasswordAnswerDetail = { useLink };
    this.dispatchEvent(
      new CustomEvent('password-answer', { detail, bubbles: true, composed: true }),
    );
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-password-question': PasswordQuestion;
  }
}
