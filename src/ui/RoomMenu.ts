import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { FileShelf } from '../app/FileShelf';
import { formatBytes } from '../app/formatBytes';
import { theme } from './theme';

/**
 * The room's rarely used actions behind one "More" button, so the header keeps one row on a
 * phone: Rename room (group rooms), Mute or Unmute notifications, Export history, Import history (a file picker), Leave room. A disclosure: the button
 * says whether the list is open; Escape or a click elsewhere closes it and Escape gives the
 * focus back to the button. Sends `room-rename`, `room-mute`, `room-unmute`, `history-export`, `history-import` (detail: the chosen
 * file's text) and `room-leave` up.
 */
@customElement('chat-room-menu')
export class RoomMenu extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        position: relative;
        display: inline-block;
      }
      .usage {
        padding: 0.4rem 0.75rem;
        font-size: 0.8rem;
        color: var(--mc-muted);
      }
      .toggle {
        min-height: var(--mc-tool-height, 2.5rem);
      }
      ul {
        position: absolute;
        right: 0;
        top: calc(100% + 0.25rem);
        z-index: 10;
        list-style: none;
        margin: 0;
        padding: 0.3rem;
        min-width: 12rem;
        background: var(--mc-bg);
        border: 1px solid var(--mc-border);
        border-radius: var(--mc-radius);
        box-shadow: 0 4px 16px rgb(0 0 0 / 25%);
      }
      li button {
        width: 100%;
        text-align: left;
        border: none;
        background: transparent;
      }
      li button:hover {
        background: var(--mc-surface-2);
      }
      input {
        display: none;
      }
    `,
  ];

  /** Offers "Rename room" (a group room; a DM is named after the other person). */
  @property({ type: Boolean }) renamable = false;
  /** The room's notifications are muted: the menu offers to unmute them. */
  @property({ type: Boolean }) muted = false;
  /** The room's files: the menu says how much of the room's quota they use here. */
  @property({ attribute: false }) files: FileShelf | undefined;
  @state() private open = false;
  @state() private usage = '';
  @query('.toggle') private toggle!: HTMLButtonElement;
  @query('input') private file!: HTMLInputElement;

  override render() {
    return html`
      <button
        class="toggle"
        type="button"
        aria-expanded=${this.open ? 'true' : 'false'}
        aria-controls="room-actions"
        @click=${this.onToggle}
      >
        More<span class="sr-only"> room actions</span> <span aria-hidden="true">▾</span>
      </button>
      ${
        this.open
          ? html`<ul id="room-actions" aria-label="Room actions">
              ${
                this.renamable
                  ? html`<li>
                      <button type="button" @click=${() => this.choose('room-rename')}>
                        Rename room
                      </button>
                    </li>`
                  : nothing
              }
              <li>
                <button
                  type="button"
                  @click=${() => this.choose(this.muted ? 'room-unmute' : 'room-mute')}
                >
                  ${this.muted ? 'Unmute notifications' : 'Mute notifications'}
                </button>
              </li>
              <li>
                <button type="button" @click=${() => this.choose('history-export')}>
                  Export history
                </button>
              </li>
              <li>
                <button type="button" @click=${this.onImport}>Import history</button>
              </li>
              <li>
                <button type="button" @click=${() => this.choose('room-leave')}>Leave room</button>
              </li>
              ${this.usage ? html`<li class="usage">${this.usage}</li>` : nothing}
            </ul>`
          : nothing
      }
      <input
        type="file"
        accept=".jsonl,.ndjson,application/x-ndjson,text/plain"
        aria-label="History file to import"
        tabindex="-1"
        @change=${this.onFile}
      />
    `;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('pointerdown', this.onOutside, true);
    this.addEventListener('focusout', this.onFocusOut);
    this.addEventListener('keydown', this.onKeyDown);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('pointerdown', this.onOutside, true);
    this.removeEventListener('focusout', this.onFocusOut);
    this.removeEventListener('keydown', this.onKeyDown);
  }

  /** Reads how much of its file quota the room uses on this device. */
  private async readUsage(): Promise<void> {
    const usage = await this.files?.usage().catch(() => undefined);
    this.usage = usage
      ? `Files kept on this device: ${formatBytes(usage.used)} of ${formatBytes(usage.quota)}`
      : '';
  }

  private readonly onToggle = async (): Promise<void> => {
    if (!this.open) void this.readUsage();
    this.open = !this.open;
    if (!this.open) return;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLButtonElement>('li button')?.focus();
  };

  private choose(type: string): void {
    this.open = false;
    this.toggle.focus();
    this.dispatchEvent(new CustomEvent(type, { bubbles: true, composed: true }));
  }

  private readonly onImport = (): void => {
    this.open = false;
    this.toggle.focus();
    this.file.click();
  };

  /** Reads the chosen file and sends its text up; the same file can be chosen again. */
  private readonly onFile = async (): Promise<void> => {
    const file = this.file.files?.[0];
    this.file.value = '';
    if (!file) return;
    const text = await file.text();
    this.dispatchEvent(
      new CustomEvent<string>('history-import', { detail: text, bubbles: true, composed: true }),
    );
  };

  private readonly onKeyDown = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape' || !this.open) return;
    event.preventDefault();
    event.stopPropagation();
    this.open = false;
    this.toggle.focus();
  };

  private readonly onFocusOut = (event: FocusEvent): void => {
    const next = event.relatedTarget as Node | null;
    if (next && (this.contains(next) || this.renderRoot.contains(next))) return;
    if (next) this.open = false;
  };

  private readonly onOutside = (event: Event): void => {
    if (this.open && !event.composedPath().includes(this)) this.open = false;
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-room-menu': RoomMenu;
  }
}
