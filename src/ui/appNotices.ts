import { css, html, nothing } from 'lit';
import type { ChatApplication } from '../app/ChatApplication';
import type { IdentityAccount } from '../app/IdentityAccount';
import type { UpdateReadyDetail } from '../pwa/registerPwa';

/** What the shell's notices are drawn from. */
export interface NoticeState {
  readonly app: ChatApplication | undefined;
  readonly account: IdentityAccount | undefined;
  readonly online: boolean;
  readonly updateReady: UpdateReadyDetail | undefined;
  /** What the last history export or import did, until the user dismisses it. */
  readonly historyNotice: string | undefined;
}

/** The banners under the app bar and the notes beside the rooms. */
export const noticeStyles = css`
  .banner {
    display: flex;
    align-items: center;
    gap: 0.75rem;
    flex-wrap: wrap;
    padding: 0.5rem 0.75rem;
    background: var(--mc-warning-bg);
    color: var(--mc-warning-text);
    font-size: 0.9rem;
  }
  .banner p {
    margin: 0;
    flex: 1;
  }
  .notify {
    margin: 0.75rem;
    padding: 0.75rem;
    border: 1px solid var(--mc-border);
    border-radius: var(--mc-radius);
    font-size: 0.875rem;
  }
  .notify p {
    margin: 0 0 0.5rem;
    color: var(--mc-muted);
  }
`;

/**
 * The banners under the app bar, each a status the screen reader announces: offline, a new
 * version ready, storage failing, the last history export or import, a key the browser
 * will not keep.
 */
export function renderBanners(state: NoticeState, dismissHistory: () => void) {
  const { app } = state;
  return html`
    ${
      state.online
        ? nothing
        : html`<div class="banner" role="status">
            <p>You are offline. You can read this device’s history; new messages wait here.</p>
          </div>`
    }
    ${
      state.updateReady
        ? html`<div class="banner" role="status">
            <p>A new version of MeshChat is ready.</p>
            <button type="button" class="primary" @click=${() => state.updateReady?.reload()}>
              Reload
            </button>
          </div>`
        : nothing
    }
    ${
      app?.storageWarning
        ? html`<div class="banner" role="status"><p>${app.storageWarning}</p></div>`
        : nothing
    }
    ${
      state.historyNotice
        ? html`<div class="banner" role="status">
            <p>${state.historyNotice}</p>
            <button type="button" @click=${dismissHistory}>OK</button>
          </div>`
        : nothing
    }
    ${
      app && !app.persistentIdentity
        ? html`<div class="banner" role="status">
            <p>This browser does not let MeshChat keep your key: you will be a new user later.</p>
          </div>`
        : nothing
    }
  `;
}

/**
 * The notes below the room list: rooms not connected for now, an identity the browser may
 * delete (with "Keep your identity"), and the offer to notify private messages.
 */
export function renderNavNotices(
  app: ChatApplication,
  account: IdentityAccount | undefined,
  showIdentity: () => void,
) {
  return html`
    ${
      app.offlineRoomCount > 0
        ? html`<p class="notify">
            ${app.offlineRoomCount === 1 ? '1 room is' : `${app.offlineRoomCount} rooms are`} not
            connected now: at most ${app.rooms.length - app.offlineRoomCount} stay connected at
            once. A room connects when you open it.
          </p>`
        : nothing
    }
    ${
      account?.storage === 'refused'
        ? html`<div class="notify">
            <p>${account.storageNote}</p>
            <button type="button" @click=${showIdentity}>Keep your identity</button>
          </div>`
        : nothing
    }
    ${
      // The browser's permission is read last: it can be a slow call, and a shell without
      // private rooms has no use for it.
      app.rooms.some((r) => r.record.kind === 'dm') && app.notificationState() === 'default'
        ? html`<div class="notify">
            <p>Get a notification when a private message arrives while MeshChat is hidden.</p>
            <button type="button" @click=${() => void app.enableNotifications()}>
              Enable notifications
            </button>
          </div>`
        : nothing
    }
  `;
}
