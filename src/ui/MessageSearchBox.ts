import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { SearchHit } from '../app/SearchHit';
import { numbers, dateTime } from './formats';
import { theme } from './theme';

/** Detail of `search-open`: show message `id` of room `roomId`. */
export interface SearchOpenDetail {
  readonly roomId: string;
  readonly id: string;
}

/** Runs a search; `progress` hears how many messages were read so far on a first search. */
export type SearchRunner = (
  query: string,
  progress: (indexed: number) => void,
) => Promise<readonly SearchHit[]>;

/** Waits this long after the last keystroke before searching. */
const TYPING_PAUSE_MS = 200;

/**
 * "Search messages": a search box over every room on this device, with results that open the
 * message in its room (`search-open`). Says what it is doing: reading the history the first
 * time (with a count), how many messages matched, or that none did.
 */
@customElement('chat-message-search')
export class MessageSearchBox extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: block;
      }
      input {
        width: 100%;
        box-sizing: border-box;
      }
      .status {
        font-size: 0.8rem;
        color: var(--mc-muted);
        margin: 0.3rem 0 0;
      }
      ul {
        list-style: none;
        margin: 0.3rem 0 0;
        padding: 0;
        max-height: 50vh;
        overflow-y: auto;
      }
      li button {
        display: block;
        width: 100%;
        text-align: left;
        border: none;
        border-radius: 6px;
        background: transparent;
        padding: 0.4rem 0.5rem;
        min-height: auto;
      }
      li button:hover {
        background: var(--mc-surface-2);
      }
      .where {
        display: block;
        font-size: 0.75rem;
        color: var(--mc-muted);
      }
      .text {
        display: block;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
    `,
  ];

  @property({ attribute: false }) search: SearchRunner | undefined;
  /** A user's name, for the results. */
  @property({ attribute: false }) label: (userId: string) => string = (id) => id.slice(0, 9);
  /** A room's name, for the results. */
  @property({ attribute: false }) roomLabel: (roomId: string) => string = (id) => id;
  @state() private status = '';
  @state() private hits: readonly SearchHit[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Counts searches, so an older answer that comes late is dropped. */
  private asked = 0;

  override render() {
    return html`<form role="search" aria-label="Messages" @submit=${this.onSubmit}>
        <input
          type="search"
          aria-label="Search messages"
          placeholder="Search messages"
          autocomplete="off"
          @input=${this.onInput}
          @keydown=${this.onKey}
        />
      </form>
      <p class="status" role="status">${this.status || nothing}</p>
      ${
        this.hits.length > 0
          ? html`<ul aria-label="Search results">
              ${this.hits.map(
                (hit) =>
                  html`<li>
                    <button type="button" @click=${() => this.open(hit)}>
                      <span class="where"
                        >${this.label(hit.userId)} in ${this.roomLabel(hit.roomId)} ·
                        ${dateTime().format(new Date(hit.time))}</span
                      >
                      <span class="text">${hit.text}</span>
                    </button>
                  </li>`,
              )}
            </ul>`
          : nothing
      }`;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.timer);
  }

  /** Searches for `query` now (the box's text, after a pause in typing). */
  async run(query: string): Promise<void> {
    clearTimeout(this.timer);
    const asked = (this.asked += 1);
    if (query.trim() === '' || !this.search) {
      this.hits = [];
      this.status = '';
      return;
    }
    try {
      const hits = await this.search(query, (indexed) => {
        if (asked === this.asked)
          this.status = `Reading your history… ${numbers().format(indexed)} messages`;
      });
      if (asked !== this.asked) return;
      this.hits = hits;
      this.status =
        hits.length === 0
          ? `No messages match “${query.trim()}”.`
          : hits.length === 1
            ? '1 message found.'
            : `${numbers().format(hits.length)} messages found.`;
    } catch (error) {
      if (asked !== this.asked) return;
      this.hits = [];
      this.status = `Search failed: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  /** Says something about the last result opened (it could not be shown, say). */
  tell(status: string): void {
    this.status = status;
  }

  private readonly onInput = (event: Event): void => {
    const query = (event.target as HTMLInputElement).value;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(query), TYPING_PAUSE_MS);
  };

  private readonly onSubmit = (event: Event): void => {
    event.preventDefault();
    const input = this.renderRoot.querySelector('input');
    void this.run(input?.value ?? '');
  };

  private readonly onKey = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape') return;
    const input = event.target as HTMLInputElement;
    input.value = '';
    void this.run('');
  };

  private open(hit: SearchHit): void {
    const detail: SearchOpenDetail = { roomId: hit.roomId, id: hit.id };
    this.dispatchEvent(new CustomEvent('search-open', { detail, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-message-search': MessageSearchBox;
  }
}
