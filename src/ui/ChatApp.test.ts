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
import { setViewport } from '@web/test-runner-commands';
import { Connectivity } from '../pwa/Connectivity';
import './ChatApp';
import type { ChatApp } from './ChatApp';
import { cleanupFixtures, expectAccessible, fixture, shadow } from '../testkit/ui/fixture';
import { poll } from '../testkit/waitFor';

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
    await poll(() => el.shadowRoot?.querySelector('chat-room-list') !== null);
    expect(app.displayName).to.equal('Ann');
    expect(shadow(el, '.me').textContent).to.equal('Ann');
    await expectAccessible(el);
  });

  it('creates a room from the list and shows it', async () => {
    await app.setDisplayName('Ann');
    const el = await shell();
    const list = shadow(el, 'chat-room-list');
    shadow<HTMLButtonElement>(list, 'button.primary').click();
    await poll(() => el.shadowRoot?.querySelector('chat-room-view') !== null);
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
    // The room's view loads its code when first shown.
    await poll(
      () =>
        el.shadowRoot
          ?.querySelector('chat-room-view')
          ?.shadowRoot?.querySelector('chat-room-menu') != null,
    );
    // Leave room sits in the room's "More" menu.
    const leave = async (): Promise<void> => {
      const menu = shadow(shadow(el, 'chat-room-view'), 'chat-room-menu');
      shadow<HTMLButtonElement>(menu, 'button.toggle').click();
      await poll(() => menu.shadowRoot?.querySelector('li') !== null);
      [...(menu.shadowRoot?.querySelectorAll('li button') ?? [])]
        .find((b) => b.textContent.trim() === 'Leave room')
        ?.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true }));
    };
    await leave();
    expect(questions).to.have.length(1);
    expect(questions[0]).to.contain('deleted from this device');
    expect(app.rooms).to.have.length(1);
    answer = true;
    await leave();
    await poll(() => app.rooms.length === 0);
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
    await poll(() => el.shadowRoot?.querySelector('chat-name-form') === null);
    expect(app.displayName).to.equal('Annie');
  });

  /** The element that has the keyboard focus, looking into shadow roots. */
  function focused(): Element | null {
    let element: Element | null = document.activeElement;
    while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
    return element;
  }

  it('sends the focus on: Create room after the name, the message box after Create room', async () => {
    const el = await shell();
    const input = shadow<HTMLInputElement>(shadow(el, 'chat-name-form'), 'input');
    input.value = 'Ann';
    input.form?.requestSubmit();
    await poll(() => focused()?.textContent.trim() === 'Create room');
    (focused() as HTMLButtonElement).click();
    await poll(() => focused()?.getAttribute('aria-label') === 'Message');
  });

  it('gives the focus back to the message box after "Change name", Save or Cancel or Escape', async () => {
    await app.setDisplayName('Ann');
    await app.createRoom();
    const el = await shell();
    for (const leave of ['cancel', 'escape', 'save'] as const) {
      button(el, 'Change name')?.click();
      await el.updateComplete;
      const form = shadow(el, 'chat-name-form');
      const input = shadow<HTMLInputElement>(form, 'input');
      if (leave === 'cancel') shadow<HTMLButtonElement>(form, 'button[type="button"]').click();
      if (leave === 'escape') {
        input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
      }
      if (leave === 'save') input.form?.requestSubmit();
      await poll(() => focused()?.getAttribute('aria-label') === 'Message');
    }
  });

  it('offers a skip link to the message box first, in a room', async () => {
    await app.setDisplayName('Ann');
    const el = await shell();
    expect(el.shadowRoot?.querySelector('a.skip')).to.equal(null);
    await app.createRoom();
    await poll(() => el.shadowRoot?.querySelector('chat-room-view') !== null);
    const skip = shadow<HTMLAnchorElement>(el, 'a.skip');
    expect(el.shadowRoot?.querySelector('a, button, input')).to.equal(skip);
    expect(skip.textContent.trim()).to.equal('Skip to message box');
    skip.click();
    await poll(() => focused()?.getAttribute('aria-label') === 'Message');
  });

  it('keeps the room list in the main landmark on a phone', async () => {
    await app.setDisplayName('Ann');
    await setViewport({ width: 390, height: 844 });
    try {
      const el = await shell();
      const nav = shadow(el, 'nav');
      expect(nav.closest('main')).to.not.equal(null);
      const main = shadow(el, 'main');
      expect(getComputedStyle(main).display).to.not.equal('none');
      expect(nav.getBoundingClientRect().width).to.be.greaterThan(300);
      await expectAccessible(el);
    } finally {
      await setViewport({ width: 800, height: 600 });
    }
  });

  it('says offline when the network cannot be reached, though the browser says online', async () => {
    await app.setDisplayName('Ann');
    let up = false;
    const connectivity = new Connectivity({
      probe: () => Promise.resolve(up),
      browserOnline: () => true,
      target: new EventTarget(),
      retryMs: [5],
    });
    try {
      const el = await fixture<ChatApp>(
        html`<chat-app style="height: 700px" .app=${app} .connectivity=${connectivity}></chat-app>`,
      );
      await poll(() => (el.shadowRoot?.textContent ?? '').includes('You are offline'));
      up = true;
      await poll(() => !(el.shadowRoot?.textContent ?? '').includes('You are offline'));
    } finally {
      connectivity.destroy();
    }
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
      // Back online is checked against the server first.
      await poll(() => !(el.shadowRoot?.textContent ?? '').includes('You are offline'));
    } finally {
      delete (navigator as unknown as Record<string, unknown>).onLine;
      if (onLine) Object.defineProperty(Navigator.prototype, 'onLine', onLine);
    }
  });
});
