import { expect } from '@esm-bundle/chai';
import { html } from 'lit';
import { NameBook } from '../app/NameBook';
import { RoomState } from '../app/RoomState';
import { RoomMesh } from '../testkit/app/FakeRoom';
import { Identity } from '../identity/Identity';
import { MemoryKeyStore } from '../identity/MemoryKeyStore';
import './RoomView';
import type { RoomView } from './RoomView';
import { cleanupFixtures, expectAccessible, fixture, shadow } from '../testkit/ui/fixture';
import { poll } from '../testkit/waitFor';

describe('chat-room-view', () => {
  let mesh: RoomMesh;
  const states: RoomState[] = [];
  beforeEach(() => {
    mesh = new RoomMesh();
  });
  afterEach(() => {
    cleanupFixtures();
    for (const state of states.splice(0)) state.destroy();
    mesh.destroy();
  });

  async function member(name: string): Promise<RoomState> {
    const signer = await Identity.loadOrCreate(new MemoryKeyStore());
    const room = mesh.open({ roomId: 'view-room', displayName: name, signer });
    const state = new RoomState(room, { names: new NameBook() });
    states.push(state);
    return state;
  }

  async function view(room: RoomState): Promise<RoomView> {
    return fixture<RoomView>(
      html`<chat-room-view
        style="height: 600px"
        .room=${room}
        .names=${(room as unknown as { names: NameBook }).names}
        heading="Room view-ro"
        link="https://chat.example/r/view-room"
        .canMessage=${() => true}
      ></chat-room-view>`,
    );
  }

  const inner = (el: RoomView, tag: string): HTMLElement => shadow(el, tag);

  it('sends from the composer and shows the message in the log', async () => {
    const ann = await member('Ann');
    const el = await view(ann);
    const composer = inner(el, 'chat-composer');
    const box = shadow<HTMLTextAreaElement>(composer, 'textarea');
    box.value = 'hello room';
    box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    expect(box.value).to.equal('');
    const log = inner(el, 'chat-message-log');
    await poll(() => (log.shadowRoot?.textContent ?? '').includes('hello room'));
  });

  it('shows the participants and what others say', async () => {
    const ann = await member('Ann');
    const ben = await member('Ben');
    const el = await view(ann);
    const list = inner(el, 'chat-participants');
    await poll(() => (list.shadowRoot?.querySelectorAll('li').length ?? 0) === 2);
    expect(list.shadowRoot?.textContent).to.contain('2 online');
    ben.send('hi Ann');
    const log = inner(el, 'chat-message-log');
    await poll(() => (log.shadowRoot?.textContent ?? '').includes('hi Ann'));
    expect(log.shadowRoot?.querySelector('.who')?.textContent).to.equal('Ben');
  });

  it('opens the share dialog, and keeps Export, Import and Leave behind "More"', async () => {
    const el = await view(await member('Ann'));
    const headerButtons = (): HTMLButtonElement[] => [
      ...(el.shadowRoot?.querySelectorAll<HTMLButtonElement>('header button') ?? []),
    ];
    const share = headerButtons().find((b) => b.getAttribute('aria-label') === 'Share room link');
    share?.click();
    const dialog = inner(el, 'chat-share-dialog') as HTMLElement & { open: boolean };
    expect(dialog.open).to.equal(true);
    (dialog as unknown as { close(): void }).close();
    // The header shows Share and More only: one row on a phone. A group room can be renamed.
    const menu = inner(el, 'chat-room-menu');
    const items = (): HTMLButtonElement[] => [
      ...(menu.shadowRoot?.querySelectorAll<HTMLButtonElement>('li button') ?? []),
    ];
    expect(items()).to.have.length(0);
    const toggle = shadow<HTMLButtonElement>(menu, 'button.toggle');
    expect(toggle.getAttribute('aria-expanded')).to.equal('false');
    toggle.click();
    await poll(() => items().length === 5);
    expect(toggle.getAttribute('aria-expanded')).to.equal('true');
    expect(items().map((b) => b.textContent.trim())).to.deep.equal([
      'Rename room',
      'Mute notifications',
      'Export history',
      'Import history',
      'Leave room',
    ]);
    expect(menu.shadowRoot?.activeElement).to.equal(items()[0]);
    await expectAccessible(el);
    // Escape closes the menu and gives the focus back to its button.
    items()[0]?.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }),
    );
    await poll(() => items().length === 0);
    expect(menu.shadowRoot?.activeElement).to.equal(toggle);
    const sent: string[] = [];
    for (const type of ['room-leave', 'history-export', 'room-mute']) {
      el.addEventListener(type, () => sent.push(type));
    }
    toggle.click();
    await poll(() => items().length === 5);
    items()[4]?.click();
    toggle.click();
    await poll(() => items().length === 5);
    items()[2]?.click();
    toggle.click();
    await poll(() => items().length === 5);
    items()[1]?.click();
    expect(sent).to.deep.equal(['room-leave', 'history-export', 'room-mute']);
  });

  it('offers no "Message privately" inside a private conversation', async () => {
    const ann = await member('Ann');
    await member('Ben');
    const el = await view(ann);
    const list = inner(el, 'chat-participants');
    await poll(() => (list.shadowRoot?.querySelectorAll('li').length ?? 0) === 2);
    expect(list.shadowRoot?.querySelectorAll('button:not(.tag)').length).to.equal(1);
    el.direct = true;
    await el.updateComplete;
    await (list as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
    expect(list.shadowRoot?.querySelectorAll('button:not(.tag)').length).to.equal(0);
  });

  it('shows unread messages of other rooms on its back button', async () => {
    const el = await view(await member('Ann'));
    const back = shadow<HTMLButtonElement>(el, 'button.back');
    expect(back.textContent.replace(/\s+/g, ' ').trim()).to.equal('←Rooms');
    el.unreadElsewhere = 2;
    await el.updateComplete;
    expect(back.textContent.replace(/\s+/g, ' ').trim()).to.equal('←Rooms2 unread elsewhere');
  });

  it('keeps the message box and Send inside a short window, below the log', async () => {
    const ann = await member('Ann');
    const el = await view(ann);
    for (let i = 0; i < 30; i += 1) ann.send(`line ${i}`);
    el.style.height = '320px';
    const log = inner(el, 'chat-message-log');
    await poll(() => (log.shadowRoot?.textContent ?? '').includes('line 29'));
    const composer = inner(el, 'chat-composer');
    const send = shadow(composer, 'button[type="submit"]');
    const host = el.getBoundingClientRect();
    await poll(() => send.getBoundingClientRect().bottom <= host.bottom + 0.5);
    // The scrolling list itself (not only its host) ends above the composer.
    const list = shadow(log, '[role="log"]');
    expect(list.getBoundingClientRect().bottom).to.be.at.most(
      composer.getBoundingClientRect().top + 0.5,
    );
  });

  it('says what to do while someone is in the room with another password', async () => {
    const signer = await Identity.loadOrCreate(new MemoryKeyStore());
    const room = mesh.open({ roomId: 'view-room', displayName: 'Ann', signer });
    const state = new RoomState(room, { names: new NameBook() });
    states.push(state);
    const el = await view(state);
    const notice = (): string => el.shadowRoot?.querySelector('.mismatch')?.textContent ?? '';
    const status = (): string =>
      inner(el, 'chat-connection-status').shadowRoot?.textContent.replace(/\s+/g, ' ') ?? '';
    expect(notice()).to.equal('');
    room.setStatus({ passwordMismatch: true });
    await poll(() => notice().includes('Someone is in this room with a different password'));
    expect(notice()).to.contain('Ask them for the link again');
    await poll(() => status().includes('Password does not match'));
    await expectAccessible(el);
    room.setStatus({ peers: 1, passwordMismatch: false });
    await poll(() => notice() === '');
  });

  it('says so once the room reached its size ceiling on this device', async () => {
    const signer = await Identity.loadOrCreate(new MemoryKeyStore());
    const room = mesh.open({ roomId: 'view-room', displayName: 'Ann', signer });
    const state = new RoomState(room, { names: new NameBook() });
    states.push(state);
    const el = await view(state);
    const notice = (): string => el.shadowRoot?.querySelector('.mismatch')?.textContent ?? '';
    expect(notice()).to.equal('');
    room.setStatus({ peers: 1, documentFull: true });
    await poll(() => notice().includes('new messages from others no longer arrive here'));
    await expectAccessible(el);
  });

  it('sends the focus to the message box when asked', async () => {
    const el = await view(await member('Ann'));
    await el.focusComposer();
    const composer = inner(el, 'chat-composer');
    expect(composer.shadowRoot?.activeElement?.getAttribute('aria-label')).to.equal('Message');
  });

  it('says when the others cannot be reached, and stops once one is', async () => {
    const signer = await Identity.loadOrCreate(new MemoryKeyStore());
    const room = mesh.open({ roomId: 'view-room', displayName: 'Ann', signer });
    const state = new RoomState(room, { names: new NameBook() });
    states.push(state);
    const el = await view(state);
    const notice = (): Element | null | undefined =>
      el.shadowRoot?.querySelector('chat-unreachable-notice');
    expect(notice()).to.equal(null);
    room.setStatus({ unreachable: true });
    await poll(() => notice() != null);
    room.setStatus({ peers: 1 });
    await poll(() => notice() == null);
  });

  it('is accessible', async () => {
    const ann = await member('Ann');
    await member('Ben');
    const el = await view(ann);
    ann.send('a message');
    await poll(() =>
      (inner(el, 'chat-message-log').shadowRoot?.textContent ?? '').includes('a message'),
    );
    await expectAccessible(el);
  });
});
