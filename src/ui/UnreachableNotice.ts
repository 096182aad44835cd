import { LitElement, css, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import { theme } from './theme';

/**
 * Said in a room whose other people are known but cannot be reached (NetworkStatus
 * `unreachable`): what is wrong and what can be done, so nobody waits forever for messages
 * that cannot come. Shown by the room view; holds no state.
 */
@customElement('chat-unreachable-notice')
export class UnreachableNotice extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: block;
        padding: 0.5rem 0.75rem;
        background: var(--mc-warning-bg);
        color: var(--mc-warning-text);
        border-bottom: 1px solid var(--mc-border);
        font-size: 0.9rem;
      }
      p {
        margin: 0;
      }
      p + p {
        margin-top: 0.25rem;
      }
    `,
  ];

  override render() {
    return html`<div role="alert">
      <p><strong>The others in this room cannot be reached.</strong></p>
      <p>
        People are here, but your network and theirs cannot connect directly, so messages cannot
        pass between you. Whoever runs this app can fix it by adding a relay (a TURN server: README
        › Configuration). Meanwhile, joining from another network, such as a phone's hotspot, may
        work.
      </p>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-unreachable-notice': UnreachableNotice;
  }
}
