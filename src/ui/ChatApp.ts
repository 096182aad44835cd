import { LitElement, css, html } from 'lit';
import { customElement } from 'lit/decorators.js';

/** The application shell. */
@customElement('chat-app')
export class ChatApp extends LitElement {
  static override styles = css`
    :host {
      display: block;
      padding: 1rem;
    }
  `;

  override render() {
    return html`<h1>MeshChat</h1>
      <p>Peer-to-peer chat in your browser.</p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-app': ChatApp;
  }
}
