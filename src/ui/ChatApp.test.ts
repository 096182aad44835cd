import { expect } from '@esm-bundle/chai';
import { html } from 'lit';
import { ChatApplication } from '../app/ChatApplication';
import { NameBook } from '../app/NameBook';
import { MemoryNotifier } from '../app/Notifier';
import { MemoryRoomDirectory } from '../app/RoomDirectory';
import { Router } from '../browser/Router';
import { FakeWindow } from '../testkit/app/FakeWindow';
import { MemorySettings } from '../app/Settings';
import { RoomMesh } from '../testkit/app/FakeRoom';
import { DhKeys } from '../direct/DhKeys';
import { MemoryDhKeyStore } from '../direct/DhKeyStore';
import { Identity } from '../identity/Identity';
import { MemoryKeyStore } from '../identity/MemoryKeyStore';
import { Verifier } from '../identity/Verifier';
import './ChatApp';
import type { ChatApp } from './ChatApp';
import { cleanupFixtures, expectAccessible, fixture, shadow, waitFor } from '../testkit/ui/fixture';

describe('chat-app', () => {
  let mesh: RoomMesh;
  let app: ChatApplication;
  beforeEach(async () => {
    mesh = new RoomMesh();
    const signer = await Identity.loadOrCreate(new MemoryKeyStore());
    const notifier = new MemoryNotifier();
    notifier.state = 'default';
    app = new ChatApplication({
      signer,
      verifier: new Verifier(),
      dh: await DhKeys.loadOrCreate(new MemoryDhKeyStore()),
      settings: new MemorySettings(),
      directory: new MemoryRoomDirectory(),
      router: new Router(new FakeWindow()),
      names: new NameBook(),
      openRoom: mesh.opener(signer),
      notifier,
    });
    await app.start();
  });
  afterEach(() => {
    cleanupFixtures();
    app.destroy();
    mesh.destroy();
  });

  const shell = (): Promise<ChatApp> =>
    fixture<ChatApp>(html`<chat-app style="height: 700px" .app=${app}></chat-app>`);

  function button(el: ChatApp, text: string): HTMLButtonElement | undefined {
    return [...(el.shadowRoot?.querySelectorAll('button') ?? [])].find(
      (b) => b.textContent.trim() === text,
    );
  }

  it('asks for a name first, then shows the rooms', async () => {
    const el = await shell();
    const form = shadow(el, 'chat-name-form');
    const input = shadow<HTMLInputElement>(form, 'input');
    input.value = 'Ann';
    input.form?.requestSubmit();
    await waitFor(() => el.shadowRoot?.querySelector('chat-room-list') !== null);
    expect(app.displayName).to.equal('Ann');
    expect(shadow(el, '.me').textContent).to.equal('Ann');
    await expectAccessible(el);
  });

  it('creates a room from the list and shows it', async () => {
    await app.setDisplayName('Ann');
    const el = await shell();
    const list = shadow(el, 'chat-room-list');
    shadow<HTMLButtonElement>(list, 'button.primary').click();
    await waitFor(() => el.shadowRoot?.querySelector('chat-room-view') !== null);
    expect(app.current).to.not.equal(undefined);
    await expectAccessible(el);
  });

  it('asks before leaving a room, and keeps it when the user says no', async () => {
    await app.setDisplayName('Ann');
    await app.createRoom();
    const el = await shell();
    const questions: string[] = [];
    let answer = false;
    el.confirmLeave = (question) => {
      questions.push(question);
      return answer;
    };
    await waitFor(() => el.shadowRoot?.querySelector('chat-room-view') !== null);
    const leave = (): void =>
      [...(shadow(el, 'chat-room-view').shadowRoot?.querySelectorAll('button') ?? [])]
        .find((b) => b.textContent.trim() === 'Leave room')
        ?.click();
    leave();
    expect(questions).to.have.length(1);
    expect(questions[0]).to.contain('deleted from this device');
    expect(app.rooms).to.have.length(1);
    answer = true;
    leave();
    await waitFor(() => app.rooms.length === 0);
    expect(questions).to.have.length(2);
  });

  it('lets the user change the name later', async () => {
    await app.setDisplayName('Ann');
    const el = await shell();
    button(el, 'Change name')?.click();
    await el.updateComplete;
    const form = shadow(el, 'chat-name-form');
    const input = shadow<HTMLInputElement>(form, 'input');
    expect(input.value).to.equal('Ann');
    input.value = 'Annie';
    input.form?.requestSubmit();
    await waitFor(() => el.shadowRoot?.querySelector('chat-name-form') === null);
    expect(app.displayName).to.equal('Annie');
  });

  it('shows Install app and the update banner when the PWA code says so', async () => {
    await app.setDisplayName('Ann');
    const el = await shell();
    expect(button(el, 'Install app')).to.equal(undefined);
    let prompted = 0;
    let reloaded = 0;
    window.dispatchEvent(
      new CustomEvent('meshchat:installable', {
        detail: { prompt: () => Promise.resolve(void (prompted += 1)) },
      }),
    );
    window.dispatchEvent(
      new CustomEvent('meshchat:update-ready', { detail: { reload: () => (reloaded += 1) } }),
    );
    await el.updateComplete;
    expect(el.shadowRoot?.textContent).to.contain('A new version of MeshChat is ready.');
    await expectAccessible(el);
    button(el, 'Install app')?.click();
    button(el, 'Reload')?.click();
    expect(prompted).to.equal(1);
    expect(reloaded).to.equal(1);
    await el.updateComplete;
    expect(button(el, 'Install app')).to.equal(undefined);
  });

  it('shows an offline banner while the browser is offline', async () => {
    await app.setDisplayName('Ann');
    const el = await shell();
    const onLine = Object.getOwnPropertyDescriptor(Navigator.prototype, 'onLine');
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
    try {
      window.dispatchEvent(new Event('offline'));
      await el.updateComplete;
      expect(el.shadowRoot?.textContent).to.contain('You are offline');
      Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => true });
      window.dispatchEvent(new Event('online'));
      await el.updateComplete;
      expect(el.shadowRoot?.textContent).to.not.contain('You are offline');
    } finally {
      delete (navigator as unknown as Record<string, unknown>).onLine;
      if (onLine) Object.defineProperty(Navigator.prototype, 'onLine', onLine);
    }
  });
});
