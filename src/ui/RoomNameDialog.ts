import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { dialogStyles } from './dialogStyles';
import { theme } from './theme';

/** Detail of `room-name`: the name and topic the user saved. */
export interface RoomNameDetail {
  readonly name: string;
  readonly topic: string;
}

/** As the log's room entries allow (src/log/entryKinds.ts). */
const MAX_NAME = 64;
const MAX_TOPIC = 256;

/**
 * Names the room for everyone in it: "Room name" and "Topic", saved as a signed entry that
 * every member sees (the latest change wins, and the dialog says who made it). A modal
 * <dialog>: focus moves into the name, Escape or Cancel closes it. The room answers
 * `room-name` by calling `refuse(reason)` when it could not save.
 */
@customElement('chat-room-name-dialog')
export class RoomNameDialog extends LitElement {
  static override styles = [
    theme,
    dialogStyles,
    css`
      label {
        display: block;
        font-weight: 600;
        margin: 0.5rem 0 0.3rem;
      }
      input {
        width: 100%;
        box-sizing: border-box;
      }
      .hint,
      .error {
        font-size: 0.85rem;
        margin: 0.5rem 0 0;
      }
      .hint {
        color: var(--mc-muted);
      }
      .error {
        color: var(--mc-danger);
      }
      .buttons {
        display: flex;
        gap: 0.5rem;
        justify-content: flex-end;
        margin-top: 1rem;
      }
    `,
  ];

  /** The room's name and topic now. */
  @property() name = '';
  @property() topic = '';
  /** Who set them last ("Ann"), when a member did. */
  @property() setBy = '';
  @state() private error = '';
  @query('dialog') private dialog!: HTMLDialogElement;
  @query('#room-name') private nameBox!: HTMLInputElement;
  @query('#room-topic') private topicBox!: HTMLInputElement;

  /** Opens the dialog with the current name and topic. */
  async show(): Promise<void> {
    this.error = '';
    await this.updateComplete;
    this.nameBox.value = this.name;
    this.topicBox.value = this.topic;
    this.dialog.showModal();
    this.nameBox.select();
  }

  close(): void {
    this.dialog.close();
  }

  get open(): boolean {
    return this.dialog.open;
  }

  /** Says why the name was not saved; the dialog stays open. */
  refuse(reason: string): void {
    this.error = reason;
  }

  override render() {
    return html`<dialog aria-labelledby="room-name-title">
      <form @submit=${this.onSave}>
        <h2 id="room-name-title">Name this room</h2>
        <label for="room-name">Room name</label>
        <input
          id="room-name"
          required
          maxlength=${MAX_NAME}
          autocomplete="off"
          aria-describedby="room-name-error"
        />
        <label for="room-topic">Topic <span class="hint">(optional)</span></label>
        <input id="room-topic" maxlength=${MAX_TOPIC} autocomplete="off" />
        <p class="hint">
          Everyone in the room sees the new name and who chose
          it.${this.setBy ? html` Last named by ${this.setBy}.` : nothing}
        </p>
        <p id="room-name-error" class="error" role="alert">${this.error || nothing}</p>
        <div class="buttons">
          <button type="submit" class="primary">Save</button>
          <button type="button" @click=${() => this.close()}>Cancel</button>
        </div>
      </form>
    </dialog>`;
  }

  private readonly onSave = (event: Event): void => {
    event.preventDefault();
    const name = this.nameBox.value.trim();
    if (name === '') {
      this.error = 'Give the room a name.';
      this.nameBox.focus();
      return;
    }
    this.error = '';
    const detail: RoomNameDetail = { name, topic: this.topicBox.value.trim() };
    this.dispatchEvent(new CustomEvent('room-name', { detail, bubbles: true, composed: true }));
    if (!this.error) this.close();
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-room-name-dialog': RoomNameDialog;
  }
}
