import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { theme } from './theme';

/** One invitation as the list shows it. */
export interface InvitationItem {
  readonly userId: string;
  /** The inviter's name as this device knows it. */
  readonly label: string;
}

/** Detail of `invitation-accept` and `invitation-ignore`. */
export interface InvitationDetail {
  readonly userId: string;
}

/**
 * Invitations to private conversations, each with "Accept" and "Ignore". Nothing opens until
 * the user accepts: a stranger in a shared room cannot open live rooms on this device.
 * Sends `invitation-accept` and `invitation-ignore` up.
 */
@customElement('chat-invitations')
export class InvitationList extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: block;
      }
      section {
        margin: 0.75rem;
        padding: 0.75rem;
        border: 1px solid var(--mc-border);
        border-radius: var(--mc-radius);
        font-size: 0.875rem;
      }
      h2 {
        font-size: 1rem;
        margin: 0 0 0.5rem;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: flex;
        flex-direction: column;
        gap: 0.5rem;
      }
      li p {
        margin: 0 0 0.25rem;
      }
    `,
  ];

  @property({ attribute: false }) invitations: readonly InvitationItem[] = [];

  override render() {
    if (this.invitations.length === 0) return nothing;
    return html`<section aria-labelledby="invitations-heading">
      <h2 id="invitations-heading">Private message invitations</h2>
      <ul>
        ${this.invitations.map(
          (item) =>
            html`<li>
              <p>${item.label} wants to message you privately.</p>
              <button
                type="button"
                aria-label="Accept ${item.label}'s invitation"
                @click=${() => this.emit('invitation-accept', item.userId)}
              >
                Accept
              </button>
              <button
                type="button"
                aria-label="Ignore ${item.label}'s invitation"
                @click=${() => this.emit('invitation-ignore', item.userId)}
              >
                Ignore
              </button>
            </li>`,
        )}
      </ul>
    </section>`;
  }

  private emit(type: string, userId: string): void {
    const detail: InvitationDetail = { userId };
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-invitations': InvitationList;
  }
}
