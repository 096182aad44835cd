import { LitElement, css, html } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { dialogStyles } from './dialogStyles';
import { theme } from './theme';

/**
 * The safety number of the user and one other participant, to compare in person or over a
 * call: a key tag can be matched by generating keys, 60 digits over both whole keys cannot.
 * A modal <dialog>: focus moves in, Escape closes it, focus returns to the opener.
 */
@customElement('chat-safety-number')
export class SafetyNumberDialog extends LitElement {
  static override styles = [
    theme,
    dialogStyles,
    css`
      :host {
        --mc-dialog-width: 26rem;
      }
      .digits {
        font-family: ui-monospace, monospace;
        font-size: 1.1rem;
        display: grid;
        grid-template-columns: repeat(4, auto);
        justify-content: start;
        gap: 0.25rem 1rem;
        margin: 0.75rem 0;
      }
      .hint {
        color: var(--mc-muted);
        font-size: 0.875rem;
      }
      .close {
        width: 100%;
        margin-top: 0.5rem;
      }
    `,
  ];

  /** The other participant's label, e.g. `Ben` or `Ben (3f9a-07c2-11d4)`. */
  @property() name = '';
  /** Their key tag. */
  @property() tag = '';
  /** The 60-digit safety number, groups separated by spaces ('' while computing). */
  @property() digits = '';
  @query('dialog') private dialog!: HTMLDialogElement;

  /** Opens the dialog. */
  show(): void {
    this.dialog.showModal();
  }

  close(): void {
    this.dialog.close();
  }

  get open(): boolean {
    return this.dialog.open;
  }

  override render() {
    const groups = this.digits.split(' ').filter((g) => g !== '');
    return html`<dialog aria-labelledby="safety-title">
      <h2 id="safety-title">Safety number with ${this.name}</h2>
      <p>Key tag: <strong>${this.tag}</strong></p>
      ${
        groups.length > 0
          ? html`<p class="digits" aria-label=${`Safety number: ${this.digits}`}>
              ${groups.map((g) => html`<span>${g}</span>`)}
            </p>`
          : html`<p class="hint" role="status">Computing…</p>`
      }
      <p class="hint">
        ${this.name}'s device shows the same number for you. Compare the two in person or over a
        call: if they are equal, you each see the other's real key and nobody stands between you. If
        they differ, someone else may be using this name.
      </p>
      <button class="close" type="button" @click=${() => this.close()}>Close</button>
    </dialog>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-safety-number': SafetyNumberDialog;
  }
}
