import { html, type ReactiveControllerHost } from 'lit';
import type { IdentityAccount } from '../../app/IdentityAccount';
import { tagOf } from '../../app/NameBook';
import type { IdentityDialog } from '../IdentityDialog';
import type { SafetyNumberDialog } from '../SafetyNumberDialog';

type DialogCode = typeof import('../identityDialogs');
let dialogCode: Promise<DialogCode> | undefined;

/**
 * The identity dialogs' code, loaded the first time one opens (the first page has no use for
 * it). A failed load is forgotten, so the next opening tries again.
 */
export function loadIdentityDialogs(): Promise<DialogCode> {
  dialogCode ??= import('../identityDialogs').catch((error: unknown) => {
    dialogCode = undefined;
    throw error;
  });
  return dialogCode;
}

/** A shell that holds the dialogs in its shadow root. */
export type DialogHost = ReactiveControllerHost & { readonly renderRoot: ParentNode };

/**
 * "Your identity" and the safety number with a participant, for the shell: renders the two
 * dialog elements (defined once their code has loaded) and opens them.
 */
export class IdentityDialogs {
  /** The participant whose safety number is shown, and the number once computed. */
  private compared: { name: string; tag: string; digits: string } | undefined;

  constructor(private readonly host: DialogHost) {}

  render(account: IdentityAccount | undefined) {
    return html`<chat-identity-dialog .account=${account}></chat-identity-dialog>
      <chat-safety-number
        name=${this.compared?.name ?? ''}
        tag=${this.compared?.tag ?? ''}
        digits=${this.compared?.digits ?? ''}
      ></chat-safety-number>`;
  }

  /** Opens "Your identity". */
  async showIdentity(): Promise<void> {
    (await this.dialog<IdentityDialog>('chat-identity-dialog'))?.show();
  }

  /** Opens the safety number with `userId` (shown as `name`), computed by `account`. */
  async compare(account: IdentityAccount, userId: string, name: string): Promise<void> {
    const compared = { name, tag: tagOf(userId), digits: '' };
    this.compared = compared;
    this.host.requestUpdate();
    (await this.dialog<SafetyNumberDialog>('chat-safety-number'))?.show();
    let digits: string;
    try {
      digits = await account.safetyNumberWith(userId);
    } catch {
      digits = 'unavailable';
    }
    if (this.compared !== compared) return;
    this.compared = { ...compared, digits };
    this.host.requestUpdate();
  }

  /** The dialog element once its code is loaded and it has rendered. */
  private async dialog<T extends IdentityDialog | SafetyNumberDialog>(
    tag: string,
  ): Promise<T | undefined> {
    await loadIdentityDialogs();
    await this.host.updateComplete;
    const dialog = this.host.renderRoot.querySelector<T>(tag);
    await dialog?.updateComplete;
    return dialog ?? undefined;
  }
}
