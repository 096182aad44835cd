import { expect } from '@esm-bundle/chai';
import { html } from 'lit';
import { sendKeys } from '@web/test-runner-commands';
import { ChatApplication } from '../app/ChatApplication';
import { IdentityAccount } from '../app/IdentityAccount';
import { NameBook } from '../app/NameBook';
import { MemoryNotifier } from '../app/Notifier';
import { MemoryRoomDirectory } from '../app/RoomDirectory';
import { MemorySettings } from '../app/Settings';
import { Router } from '../browser/Router';
import { DhKeys } from '../direct/DhKeys';
import { MemoryDhKeyStore } from '../direct/DhKeyStore';
import { Identity } from '../identity/Identity';
import { MemoryKeyStore } from '../identity/MemoryKeyStore';
import type { PersistenceState } from '../identity/persistentStorage';
import { Verifier } from '../identity/Verifier';
import { RoomMesh } from '../testkit/app/FakeRoom';
import { FakeWindow } from '../testkit/app/FakeWindow';
import { cleanupFixtures, expectAccessible, fixture, shadow } from '../testkit/ui/fixture';
import { poll } from '../testkit/waitFor';
import './ChatApp';
import type { ChatApp } from './ChatApp';
import type { IdentityDialog } from './IdentityDialog';
import type { SafetyNumberDialog } from './SafetyNumberDialog';

describe('chat-app: your identity', () => {
  let mesh: RoomMesh;
  let app: ChatApplication;
  let account: IdentityAccount;
  let store: MemoryKeyStore;
  let reloads: number;
  let storage: PersistenceState;

  beforeEach(async () => {
    mesh = new RoomMesh();
    store = new MemoryKeyStore();
    reloads = 0;
    storage = 'refused';
    const signer = await Identity.loadOrCreate(store);
    app = new ChatApplication({
      signer,
      verifier: new Verifier(),
      dh: await DhKeys.loadOrCreate(new MemoryDhKeyStore()),
      settings: new MemorySettings(),
      directory: new MemoryRoomDirectory(),
      router: new Router(new FakeWindow()),
      names: new NameBook(),
      openRoom: mesh.opener(signer),
      notifier: new MemoryNotifier(),
    });
    account = new IdentityAccount({
      identity: signer,
      restore: async (text, passphrase) => {
        await Identity.restore(store, text, passphrase);
      },
      persist: () => Promise.resolve(storage),
      reload: () => (reloads += 1),
    });
    await app.start();
    await app.setDisplayName('Ann');
  });
  afterEach(() => {
    cleanupFixtures();
    app.destroy();
    mesh.destroy();
  });

  const shell = (): Promise<ChatApp> =>
    fixture<ChatApp>(
      html`<chat-app style="height: 700px" .app=${app} .account=${account}></chat-app>`,
    );

  const identityButton = (el: ChatApp): HTMLButtonElement | undefined =>
    [...(el.shadowRoot?.querySelectorAll('header button') ?? [])].find(
      (b) => b.textContent.trim() === 'Your identity',
    ) as HTMLButtonElement | undefined;

  it('opens "Your identity" from the app bar by keyboard: the key, storage, export, import', async () => {
    const el = await shell();
    const opener = identityButton(el);
    expect(opener, 'a "Your identity" button in the app bar').to.not.equal(undefined);
    opener?.focus();
    await sendKeys({ press: 'Enter' });
    const dialog = shadow<IdentityDialog>(el, 'chat-identity-dialog');
    await poll(() => dialog.open);
    const panel = shadow(dialog, 'chat-identity-panel');
    await poll(() => (panel.shadowRoot?.textContent ?? '').includes(account.tag));
    // Opening it asked for persistent storage; the refusal is explained in words.
    await poll(() => (panel.shadowRoot?.textContent ?? '').includes('may delete your identity'));
    await poll(() => /(\d{5} ){11}\d{5}/.test(panel.shadowRoot?.textContent ?? ''));
    // The focus moved into the dialog; Escape closes it and gives the focus back.
    expect(dialog.shadowRoot?.activeElement ?? panel.shadowRoot?.activeElement).to.not.equal(null);
    await expectAccessible(el);
    await sendKeys({ press: 'Escape' });
    await poll(() => !dialog.open);
    expect(el.shadowRoot?.activeElement).to.equal(opener);
  });

  it('tells the user beside the rooms when the browser refuses to keep their data', async () => {
    const el = await shell();
    expect(el.shadowRoot?.querySelector('nav')?.textContent).to.not.contain('may delete');
    await account.askToKeep();
    await poll(() =>
      (el.shadowRoot?.querySelector('nav')?.textContent ?? '').includes('may delete'),
    );
    await expectAccessible(el);
  });

  it('exports a backup file and imports one: the app starts again as that user', async () => {
    const el = await shell();
    identityButton(el)?.click();
    const dialog = shadow<IdentityDialog>(el, 'chat-identity-dialog');
    // The dialog's code loads when it first opens.
    await poll(() => dialog.open);
    const panel = shadow(dialog, 'chat-identity-panel');
    const saved: [string, string][] = [];
    dialog.saveFile = (name, text) => saved.push([name, text]);
    shadow<HTMLInputElement>(panel, 'input[name="export-passphrase"]').value = 'long passphrase';
    shadow<HTMLFormElement>(panel, 'form').requestSubmit();
    await poll(() => saved.length === 1, 'the backup file saved', { timeoutMs: 15_000 });
    expect(saved[0]?.[0]).to.equal(`meshchat-identity-${account.tag}.json`);
    expect(saved[0]?.[1]).to.contain(app.userId);
    await poll(() => (dialog.shadowRoot?.textContent ?? '').includes('Saved meshchat-identity'));

    const other = await Identity.loadOrCreate(new MemoryKeyStore());
    const backup = await other.backup('other passphrase');
    const file = new File([backup], 'backup.json', { type: 'application/json' });
    const picker = shadow<HTMLInputElement>(panel, 'input[name="import-file"]');
    const files = new DataTransfer();
    files.items.add(file);
    picker.files = files.files;
    picker.dispatchEvent(new Event('change'));
    shadow<HTMLInputElement>(panel, 'input[name="import-passphrase"]').value = 'other passphrase';
    (panel.shadowRoot?.querySelectorAll('form')[1] as HTMLFormElement).requestSubmit();
    await poll(() => reloads === 1, 'the app started again', { timeoutMs: 15_000 });
    expect((await Identity.loadOrCreate(store)).userId).to.equal(other.userId);
  });
});

describe('chat-app: safety numbers', () => {
  afterEach(cleanupFixtures);

  it('shows the 60-digit safety number with a participant, the same as theirs, axe clean', async () => {
    const mesh = new RoomMesh();
    const ann = await Identity.loadOrCreate(new MemoryKeyStore());
    const ben = await Identity.loadOrCreate(new MemoryKeyStore());
    const app = new ChatApplication({
      signer: ann,
      verifier: new Verifier(),
      dh: await DhKeys.loadOrCreate(new MemoryDhKeyStore()),
      settings: new MemorySettings(),
      directory: new MemoryRoomDirectory(),
      router: new Router(new FakeWindow()),
      names: new NameBook(),
      openRoom: mesh.opener(ann),
      notifier: new MemoryNotifier(),
    });
    const options = {
      persist: () => Promise.resolve('persistent' as const),
      restore: () => Promise.resolve(),
      reload: () => undefined,
    };
    const account = new IdentityAccount({ identity: ann, ...options });
    const bens = new IdentityAccount({ identity: ben, ...options });
    try {
      await app.start();
      await app.setDisplayName('Ann');
      await app.createRoom();
      const el = await fixture<ChatApp>(
        html`<chat-app style="height: 700px" .app=${app} .account=${account}></chat-app>`,
      );
      const view = shadow(el, 'chat-room-view');
      view.dispatchEvent(
        new CustomEvent('key-compare', {
          detail: { userId: ben.userId, self: false },
          bubbles: true,
          composed: true,
        }),
      );
      const dialog = shadow<SafetyNumberDialog>(el, 'chat-safety-number');
      await poll(() => dialog.open);
      const expected = await bens.safetyNumberWith(ann.userId);
      await poll(() => dialog.digits === expected);
      await dialog.updateComplete;
      expect(shadow(dialog, '.digits').getAttribute('aria-label')).to.equal(
        `Safety number: ${expected}`,
      );
      expect(shadow(dialog, 'h2').textContent).to.contain('Safety number with');
      await expectAccessible(el);
      await sendKeys({ press: 'Escape' });
      await poll(() => !dialog.open);
    } finally {
      app.destroy();
      mesh.destroy();
    }
  });
});
