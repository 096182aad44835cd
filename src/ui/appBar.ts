import { html, nothing } from 'lit';
import type { ChatApplication } from '../app/ChatApplication';
import type { IdentityAccount } from '../app/IdentityAccount';
import type { InstallableDetail } from '../pwa/registerPwa';

/** What the app bar shows, and what its buttons do. */
export interface AppBar {
  /** A room is on screen: the skip link to its message box is offered. */
  readonly inRoom: boolean;
  readonly app: ChatApplication | undefined;
  readonly account: IdentityAccount | undefined;
  /** The name screen is up. */
  readonly naming: boolean;
  readonly editingName: boolean;
  readonly installable: InstallableDetail | undefined;
  readonly onSkip: (event: Event) => void;
  /** "Change name". */
  readonly editName: () => void;
  readonly showIdentity: () => void;
  readonly onInstall: () => Promise<void>;
}

/** The shell's app bar: the skip link, the user's name, "Your identity" and "Install app". */
export function renderAppBar(bar: AppBar) {
  const app = bar.app;
  const inRoom = bar.inRoom;
  // The skip link comes first, inside the banner landmark (axe's region rule).
  return html`<header class="appbar">
    ${
      inRoom
        ? html`<a class="skip" href="#message" @click=${bar.onSkip}>Skip to message box</a>`
        : nothing
    }
    <h1>MeshChat</h1>
    ${
      app?.displayName && !bar.editingName
        ? html`<span class="me">${app.displayName}</span>
            <button type="button" @click=${() => bar.editName()}>Change name</button>`
        : nothing
    }
    ${
      bar.account && !bar.naming
        ? html`<button type="button" @click=${bar.showIdentity}>Your identity</button>`
        : nothing
    }
    ${
      bar.installable
        ? html`<button type="button" class="primary" @click=${bar.onInstall}>Install app</button>`
        : nothing
    }
  </header>`;
}
