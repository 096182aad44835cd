import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { dialogStyles } from './dialogStyles';
import { theme } from './theme';

/**
 * Shares a room link three ways: the system share sheet (Web Share, where the browser has
 * it), copying to the clipboard, and a QR code to scan with a phone. A modal <dialog>: focus
 * moves in, Escape closes it, focus returns to the button that opened it. The QR code's
 * element and encoder load when the dialog first opens, not with the page.
 */
@customElement('chat-share-dialog')
export class ShareDialog extends LitElement {
  static override styles = [
    theme,
    dialogStyles,
    css`
      label {
        display: block;
        font-weight: 600;
        margin-bottom: 0.3rem;
      }
      input {
        width: 100%;
        box-sizing: border-box;
        font-size: 0.85rem;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        margin: 0.75rem 0;
      }
      .qr {
        text-align: center;
      }
      /* Holds the code's place while its element loads, so nothing jumps when it appears. */
      chat-qr-code:not(:defined) {
        display: inline-block;
        width: 224px;
        height: 224px;
      }
      .hint {
        color: var(--mc-muted);
        font-size: 0.85rem;
      }
      .room-name {
        margin: -0.4rem 0 0.75rem;
        font-weight: 600;
        overflow-wrap: anywhere;
      }
      .close {
        width: 100%;
        margin-top: 0.5rem;
      }
    `,
  ];

  @property() link = '';
  /** The room's name, said above the link. */
  @property() name = '';
  @state() private copied = '';
  @state() private qrFailed = false;
  @query('dialog') private dialog!: HTMLDialogElement;

  /** Opens the dialog. */
  show(): void {
    this.copied = '';
    this.dialog.showModal();
    void this.loadQrCode();
  }

  /** Closes the dialog. */
  close(): void {
    this.dialog.close();
  }

  get open(): boolean {
    return this.dialog.open;
  }

  override render() {
    const canShare = typeof navigator.share === 'function';
    return html`<dialog aria-labelledby="share-title">
      <h2 id="share-title">Share room link</h2>
      ${this.name ? html`<p class="room-name">${this.name}</p>` : nothing}
      <label for="share-link">Room link</label>
      <input id="share-link" readonly .value=${this.link} @focus=${this.selectLink} />
      <div class="actions">
        <button class="primary" type="button" @click=${this.onCopy}>Copy link</button>
        ${canShare ? html`<button type="button" @click=${this.onShare}>Share…</button>` : nothing}
      </div>
      <p class="hint" role="status">${this.copied || nothing}</p>
      <div class="qr">
        ${
          this.qrFailed
            ? html`<p class="hint">The QR code could not load; copy the link instead.</p>`
            : html`<chat-qr-code
                .value=${this.link}
                label="QR code of the room link"
              ></chat-qr-code>`
        }
      </div>
      <p class="hint">Anyone with this link can read and write in this room.</p>
      <button class="close" type="button" @click=${() => this.close()}>Close</button>
    </dialog>`;
  }

  /** Defines <chat-qr-code>; the element already in the dialog then draws itself. */
  private async loadQrCode(): Promise<void> {
    try {
      await import('./QrCode');
      this.qrFailed = false;
    } catch {
      // Offline with no cached copy of the chunk: the link is still there to copy.
      this.qrFailed = true;
    }
  }

  private readonly selectLink = (event: FocusEvent): void => {
    (event.target as HTMLInputElement).select();
  };

  private readonly onCopy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(this.link);
      this.copied = 'Link copied';
    } catch {
      const input = this.renderRoot.querySelector('input');
      input?.focus();
      input?.select();
      this.copied = 'Press Ctrl+C (or ⌘C) to copy the selected link';
    }
  };

  private readonly onShare = async (): Promise<void> => {
    try {
      await navigator.share({ title: 'Join my MeshChat room', url: this.link });
    } catch {
      // The user closed the share sheet, or the browser refused: nothing to report.
    }
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-share-dialog': ShareDialog;
  }
}
