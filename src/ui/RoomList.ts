import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import type { RoomListItem } from '../app/ChatApplicationOptions';
import { routePath } from '../app/RoomLink';
import { theme } from './theme';

/** Detail of `room-open`. */
export interface RoomOpenDetail {
  readonly roomId: string;
}

/** Detail of `room-join`. */
export interface RoomJoinDetail {
  readonly link: string;
}

/**
 * The joined rooms with unread counts, "Create room", and a field to join by link. Sends
 * `room-open`, `room-create` and `room-join` up; opening is a real link, so it also works
 * with a middle click or "open in new tab".
 */
@customElement('chat-room-list')
export class RoomList extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: 0.75rem;
        padding: 0.75rem;
        box-sizing: border-box;
      }
      h2 {
        font-size: 1rem;
        margin: 0.25rem 0 0;
        color: var(--mc-muted);
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: flex;
        flex-direction: column;
        gap: 2px;
      }
      a {
        display: flex;
        align-items: center;
        gap: 0.5rem;
        padding: 0.6rem 0.7rem;
        border-radius: 8px;
        color: inherit;
        text-decoration: none;
        min-height: 2.5rem;
        box-sizing: border-box;
      }
      a:hover {
        background: var(--mc-surface-2);
      }
      a[aria-current='page'] {
        background: var(--mc-surface-2);
        font-weight: 600;
      }
      .title {
        flex: 1;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .kind {
        font-size: 0.8rem;
        color: var(--mc-muted);
      }
      .badge {
        background: var(--mc-accent);
        color: var(--mc-accent-text);
        border-radius: 999px;
        min-width: 1.5rem;
        padding: 0 0.4rem;
        text-align: center;
        font-size: 0.85rem;
        font-weight: 700;
        box-sizing: border-box;
      }
      .empty {
        color: var(--mc-muted);
        margin: 0;
      }
      form {
        display: flex;
        gap: 0.4rem;
      }
      form input {
        flex: 1;
        min-width: 0;
      }
      .notice {
        color: var(--mc-danger);
        margin: 0;
      }
    `,
  ];

  @property({ attribute: false }) rooms: readonly RoomListItem[] = [];
  /** The room on screen, marked aria-current. */
  @property() currentId = '';
  /** A message about the last join attempt. */
  @property() notice = '';
  @query('#join-link') private linkInput!: HTMLInputElement;

  override render() {
    return html`
      <button class="primary" type="button" @click=${this.onCreate}>Create room</button>
      <form @submit=${this.onJoin}>
        <label class="sr-only" for="join-link">Join by link</label>
        <input id="join-link" placeholder="Paste a room link" autocomplete="off" />
        <button type="submit">Join</button>
      </form>
      ${this.notice ? html`<p class="notice" role="alert">${this.notice}</p>` : nothing}
      <h2 id="rooms-heading">Rooms</h2>
      ${
        this.rooms.length === 0
          ? html`<p class="empty">No rooms yet. Create one, or open a link someone shared.</p>`
          : html`<ul aria-labelledby="rooms-heading">
              ${this.rooms.map((room) => this.renderRoom(room))}
            </ul>`
      }
    `;
  }

  /** Puts the keyboard focus on "Create room". */
  focusCreate(): void {
    this.renderRoot.querySelector<HTMLButtonElement>('button.primary')?.focus();
  }

  private renderRoom(item: RoomListItem) {
    const { record } = item;
    // A private room's password stays out of links: the app knows it, nobody else may.
    const href = routePath({
      kind: 'room',
      roomId: record.roomId,
      ...(record.password && record.kind !== 'dm' ? { password: record.password } : {}),
    });
    return html`<li>
      <a
        href=${href}
        aria-current=${record.roomId === this.currentId ? 'page' : 'false'}
        @click=${(event: MouseEvent) => this.onOpen(event, record.roomId)}
      >
        <span class="title">${item.label}</span>
        ${record.kind === 'dm' ? html`<span class="kind">Private</span>` : nothing}
        ${
          item.unread > 0
            ? html`<span class="badge">${item.unread}<span class="sr-only"> unread</span></span>`
            : nothing
        }
      </a>
    </li>`;
  }

  private onOpen(event: MouseEvent, roomId: string): void {
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    this.emit('room-open', { roomId });
  }

  private readonly onCreate = (): void => {
    this.emit('room-create', null);
  };

  private readonly onJoin = (event: Event): void => {
    event.preventDefault();
    const link = this.linkInput.value.trim();
    if (!link) return;
    this.emit('room-join', { link });
    this.linkInput.value = '';
  };

  private emit(type: string, detail: RoomOpenDetail | RoomJoinDetail | null): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-room-list': RoomList;
  }
}
