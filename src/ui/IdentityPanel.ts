import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { NOT_EXPORTABLE_NOTE } from '../app/IdentityAccount';
import { theme } from './theme';

/** Detail of `identity-export`: the passphrase to encrypt the backup with. */
export interface IdentityExportDetail {
  readonly passphrase: string;
}

/** Detail of `identity-import`: a backup file's text and its passphrase. */
export interface IdentityImportDetail {
  readonly text: string;
  readonly passphrase: string;
}

/**
 * "Your identity": the user's key tag and whole key as digits (to compare with others), what
 * the browser's storage policy means for the identity, and export / import of the identity as
 * a passphrase-encrypted file. Holds no logic: sends `identity-export` and `identity-import`
 * up, and shows the `problem` the app reports.
 */
@customElement('chat-identity-panel')
export class IdentityPanel extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: block;
      }
      section {
        padding: 0.75rem;
        font-size: 0.875rem;
      }
      h2 {
        font-size: 1rem;
        margin: 0 0 0.5rem;
      }
      .digits {
        font-family: monospace;
        word-spacing: 0.25rem;
      }
      form {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: end;
        margin-top: 0.75rem;
      }
      label {
        display: flex;
        flex-direction: column;
        gap: 0.25rem;
      }
    `,
  ];

  /** The key tag, e.g. `3f9a-07c2-11d4`. */
  @property() tag = '';
  /** The whole key as 60 digits (keyDigits). */
  @property() digits = '';
  /** What the storage policy means for the user (persistenceMessage). */
  @property() storageNote = '';
  /** Whether this identity can be exported. */
  @property({ type: Boolean }) exportable = true;
  /** A problem to show (a wrong passphrase, a bad file). */
  @property() problem = '';
  @state() private file: File | undefined;

  override render() {
    return html`<section aria-labelledby="identity-heading">
      <h2 id="identity-heading">Your identity</h2>
      <p>Key tag: <strong>${this.tag}</strong></p>
      <p>Whole key, to compare with what others see: <span class="digits">${this.digits}</span></p>
      ${this.storageNote ? html`<p role="note">${this.storageNote}</p>` : nothing}
      ${this.problem ? html`<p role="alert">${this.problem}</p>` : nothing}
      ${
        this.exportable
          ? html`<form @submit=${(e: Event) => this.exportNow(e)}>
              <label
                >Passphrase for the backup
                <input name="export-passphrase" type="password" minlength="8" required
              /></label>
              <button type="submit">Export identity</button>
            </form>`
          : html`<p>${NOT_EXPORTABLE_NOTE}</p>`
      }
      <form @submit=${(e: Event) => void this.importNow(e)}>
        <label
          >Backup file
          <input
            name="import-file"
            type="file"
            accept=".json,application/json"
            @change=${(e: Event) => (this.file = (e.target as HTMLInputElement).files?.[0])}
        /></label>
        <label>Its passphrase <input name="import-passphrase" type="password" required /></label>
        <button type="submit">Import identity</button>
      </form>
    </section>`;
  }

  private exportNow(event: Event): void {
    event.preventDefault();
    const detail: IdentityExportDetail = { passphrase: this.field('export-passphrase') };
    this.dispatchEvent(
      new CustomEvent('identity-export', { detail, bubbles: true, composed: true }),
    );
  }

  private async importNow(event: Event): Promise<void> {
    event.preventDefault();
    const passphrase = this.field('import-passphrase');
    const text = this.file ? await this.file.text() : '';
    const detail: IdentityImportDetail = { text, passphrase };
    this.dispatchEvent(
      new CustomEvent('identity-import', { detail, bubbles: true, composed: true }),
    );
  }

  private field(name: string): string {
    return this.renderRoot.querySelector<HTMLInputElement>(`input[name="${name}"]`)?.value ?? '';
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-identity-panel': IdentityPanel;
  }
}
