import { LitElement, css, html } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import type { IdentityAccount } from '../app/IdentityAccount';
import { SourceController } from './controllers/SourceController';
import './IdentityPanel';
import type { IdentityExportDetail, IdentityImportDetail } from './IdentityPanel';
import { dialogStyles } from './dialogStyles';
import { theme } from './theme';

/**
 * "Your identity" as a modal <dialog> over the app: the identity panel for `account`. Focus
 * moves in, Escape closes it, focus returns to the button that opened it. Opening it asks
 * for persistent storage (once per page), so the panel can say what the browser decided. An
 * export saves the backup as a file; a successful import starts the app again as that user.
 */
@customElement('chat-identity-dialog')
export class IdentityDialog extends LitElement {
  static override styles = [
    theme,
    dialogStyles,
    css`
      :host {
        --mc-dialog-width: 32rem;
        --mc-dialog-padding: 0.5rem;
      }
      .status {
        margin: 0 0.75rem;
        font-size: 0.875rem;
      }
      .close {
        margin: 0 0.75rem 0.75rem;
      }
    `,
  ];

  @property({ attribute: false }) account: IdentityAccount | undefined;
  /** Saves a file for the user (a download; tests replace it). */
  saveFile: (name: string, text: string) => void = (name, text) => {
    const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  };
  @query('dialog') private dialog!: HTMLDialogElement;
  /** What the last export did ('' before one). */
  private saved = '';
  private readonly source = new SourceController(this);

  override willUpdate(): void {
    this.source.follow(this.account);
  }

  /** Opens the dialog (and asks for persistent storage, once). */
  show(): void {
    this.saved = '';
    this.dialog.showModal();
    void this.account?.askToKeep();
    this.requestUpdate();
  }

  close(): void {
    this.dialog.close();
  }

  get open(): boolean {
    return this.dialog.open;
  }

  override render() {
    const account = this.account;
    return html`<dialog aria-label="Your identity">
      <chat-identity-panel
        tag=${account?.tag ?? ''}
        digits=${account?.digits ?? ''}
        storageNote=${account?.storageNote ?? ''}
        ?exportable=${account?.exportable ?? false}
        problem=${account?.problem ?? ''}
        @identity-export=${this.onExport}
        @identity-import=${this.onImport}
      ></chat-identity-panel>
      <p class="status" role="status">${this.saved}</p>
      <button class="close" type="button" @click=${() => this.close()}>Close</button>
    </dialog>`;
  }

  private readonly onExport = async (event: CustomEvent<IdentityExportDetail>): Promise<void> => {
    const account = this.account;
    if (!account) return;
    this.saved = '';
    const text = await account.exportBackup(event.detail.passphrase);
    if (text === undefined) return this.requestUpdate();
    const name = `meshchat-identity-${account.tag}.json`;
    this.saveFile(name, text);
    this.saved = `Saved ${name}. Keep it and its passphrase: together they are you.`;
    this.requestUpdate();
  };

  private readonly onImport = async (event: CustomEvent<IdentityImportDetail>): Promise<void> => {
    this.saved = '';
    await this.account?.importBackup(event.detail.text, event.detail.passphrase);
    this.requestUpdate();
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-identity-dialog': IdentityDialog;
  }
}
