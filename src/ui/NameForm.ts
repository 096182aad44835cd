import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { MAX_NAME_LENGTH } from '../app/Settings';
import { theme } from './theme';

/** Detail of `name-submit`. */
export interface NameSubmitDetail {
  readonly name: string;
}

/**
 * Asks for the display name. An empty one gets an inline "Please enter your name"; a valid
 * one is sent up as `name-submit`. With `editing`, it offers Cancel (`name-cancel`).
 */
@customElement('chat-name-form')
export class NameForm extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: block;
        max-width: 26rem;
        margin: 0 auto;
        padding: 2rem 1rem;
      }
      h1 {
        font-size: 1.5rem;
        margin: 0 0 0.5rem;
      }
      p {
        color: var(--mc-muted);
        margin: 0 0 1.25rem;
      }
      label {
        display: block;
        font-weight: 600;
        margin-bottom: 0.35rem;
      }
      input {
        width: 100%;
        box-sizing: border-box;
        font-size: 1.1rem;
      }
      input[aria-invalid='true'] {
        border-color: var(--mc-danger);
      }
      .error {
        color: var(--mc-danger);
        margin: 0.4rem 0 0;
        min-height: 1.4em;
      }
      .actions {
        display: flex;
        gap: 0.5rem;
        margin-top: 0.75rem;
      }
    `,
  ];

  /** The name to start from (the current one when changing it). */
  @property() value = '';
  /** Whether the user is changing an existing name (shows Cancel). */
  @property({ type: Boolean }) editing = false;
  @state() private error = '';
  @query('input') private input!: HTMLInputElement;

  override render() {
    return html`
      <form @submit=${this.onSubmit} @keydown=${this.onKeyDown} novalidate>
        <h1>${this.editing ? 'Change your name' : 'Welcome to MeshChat'}</h1>
        <p>
          ${
            this.editing
              ? 'Others see the new name from now on.'
              : 'Choose the name others will see. It stays on this device.'
          }
        </p>
        <label for="name">Your name</label>
        <input
          id="name"
          name="name"
          autocomplete="nickname"
          maxlength=${MAX_NAME_LENGTH}
          .value=${this.value}
          aria-invalid=${this.error ? 'true' : 'false'}
          aria-describedby="name-error"
          @input=${() => (this.error = '')}
        />
        <p id="name-error" class="error" role="alert">${this.error || nothing}</p>
        <div class="actions">
          <button class="primary" type="submit">${this.editing ? 'Save' : 'Continue'}</button>
          ${
            this.editing
              ? html`<button type="button" @click=${this.onCancel}>Cancel</button>`
              : nothing
          }
        </div>
      </form>
    `;
  }

  override firstUpdated(): void {
    this.input.focus();
  }

  private readonly onSubmit = (event: Event): void => {
    event.preventDefault();
    const name = this.input.value.trim();
    if (!name) {
      this.error = 'Please enter your name';
      this.input.focus();
      return;
    }
    this.dispatchEvent(
      new CustomEvent<NameSubmitDetail>('name-submit', {
        detail: { name },
        bubbles: true,
        composed: true,
      }),
    );
  };

  private readonly onKeyDown = (event: KeyboardEvent): void => {
    // Escape leaves "Change name" as Cancel does; a first name cannot be skipped.
    if (event.key !== 'Escape' || !this.editing) return;
    event.preventDefault();
    this.onCancel();
  };

  private readonly onCancel = (): void => {
    this.dispatchEvent(new CustomEvent('name-cancel', { bubbles: true, composed: true }));
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-name-form': NameForm;
  }
}
