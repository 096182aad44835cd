import { expect } from '@esm-bundle/chai';
import { html } from 'lit';
import { NameBook } from '../app/NameBook';
import { RoomState } from '../app/RoomState';
import { RoomMesh, until } from '../testkit/app/FakeRoom';
import { Identity } from '../identity/Identity';
import { MemoryKeyStore } from '../identity/MemoryKeyStore';
import './RoomView';
import type { RoomView } from './RoomView';
import { cleanupFixtures, expectAccessible, fixture, shadow, waitFor } from '../testkit/ui/fixture';

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
    await waitFor(() => (log.shadowRoot?.textContent ?? '').includes('hello room'));
  });

  it('shows the participants and what others say', async () => {
    const ann = await member('Ann');
    const ben = await member('Ben');
    const el = await view(ann);
    const list = inner(el, 'chat-participants');
    await waitFor(() => (list.shadowRoot?.querySelectorAll('li').length ?? 0) === 2);
    expect(list.shadowRoot?.textContent).to.contain('2 online');
    ben.send('hi Ann');
    const log = inner(el, 'chat-message-log');
    await until(() => (log.shadowRoot?.textContent ?? '').includes('hi Ann'));
    expect(log.shadowRoot?.querySelector('.who')?.textContent).to.equal('Ben');
  });

  it('opens the share dialog and sends leave', async () => {
    const el = await view(await member('Ann'));
    const buttons = [
      ...(el.shadowRoot?.querySelectorAll<HTMLButtonElement>('header button') ?? []),
    ];
    const share = buttons.find((b) => b.textContent.trim() === 'Share room link');
    share?.click();
    const dialog = inner(el, 'chat-share-dialog') as HTMLElement & { open: boolean };
    expect(dialog.open).to.equal(true);
    (dialog as unknown as { close(): void }).close();
    let left = false;
    el.addEventListener('room-leave', () => (left = true));
    buttons.find((b) => b.textContent.trim() === 'Leave room')?.click();
    expect(left).to.equal(true);
  });

  it('is accessible', async () => {
    const ann = await member('Ann');
    await member('Ben');
    const el = await view(ann);
    ann.send('a message');
    await waitFor(() =>
      (inner(el, 'chat-message-log').shadowRoot?.textContent ?? '').includes('a message'),
    );
    await expectAccessible(el);
  });
});
