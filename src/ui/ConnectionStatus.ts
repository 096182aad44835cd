import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { NetworkStatus } from '../app/RoomSource';
import { theme } from './theme';

/** The connection as words: is the signaling server reachable, how many peers are connected. */
export function describeStatus(status: NetworkStatus, online: boolean, connecting = false): string {
  if (!online) return 'Offline';
  const peers = status.peers === 1 ? '1 peer' : `${status.peers} peers`;
  if (status.peers > 0) return `Connected to ${peers}`;
  if (status.passwordMismatch === true) return 'Password does not match';
  if (status.unreachable) return 'Peers cannot be reached';
  if (status.signaling) return 'Waiting for peers';
  return connecting ? 'Connecting…' : 'Signaling server unreachable';
}

/** A small live indicator of the room's connection state. */
@customElement('chat-connection-status')
export class ConnectionStatus extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: inline-flex;
        align-items: center;
        gap: 0.35rem;
        font-size: 0.8rem;
        color: var(--mc-muted);
      }
      .dot {
        width: 0.55rem;
        height: 0.55rem;
        border-radius: 50%;
        background: #9aa5a1;
      }
      .dot.good {
        background: #2e9d57;
      }
      .dot.bad {
        background: #d0463b;
      }
    `,
  ];

  @property({ attribute: false }) status: NetworkStatus = {
    signaling: false,
    peers: 0,
    localTabs: 0,
    unreachable: false,
  };
  @property({ type: Boolean }) online = true;
  /** Just opened: a missing signaling connection is still being made. */
  @property({ type: Boolean }) connecting = false;

  override render() {
    const kind =
      this.online && this.status.peers > 0
        ? 'good'
        : !this.online ||
            this.status.unreachable ||
            this.status.passwordMismatch === true ||
            (!this.status.signaling && !this.connecting)
          ? 'bad'
          : '';
    const tabs = this.status.localTabs > 0 ? ` · ${this.status.localTabs} other tab(s)` : '';
    return html`<span class="dot ${kind}" aria-hidden="true"></span>
      <span role="status"
        >${describeStatus(this.status, this.online, this.connecting)}${tabs}</span
      >`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-connection-status': ConnectionStatus;
  }
}
