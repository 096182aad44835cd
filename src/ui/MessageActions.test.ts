import { expect } from '@esm-bundle/chai';
import { html } from 'lit';
import { NameBook } from '../app/NameBook';
import { RoomState } from '../app/RoomState';
import type { MessageLine } from '../app/ChatLine';
import { Identity } from '../identity/Identity';
import { MemoryKeyStore } from '../identity/MemoryKeyStore';
import { RoomMesh } from '../testkit/app/FakeRoom';
import { cleanupFixtures, expectAccessible, fixture, shadow } from '../testkit/ui/fixture';
import { poll, until } from '../testkit/waitFor';
import './RoomView';
import type { RoomView } from './RoomView';

describe('chat-message-actions: edit and delete', () => {
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

  async function member(): Promise<RoomState> {
    const signer = await Identity.loadOrCreate(new MemoryKeyStore());
    const room = mesh.open({ roomId: 'actions-room', displayName: 'x', signer });
    const state = new RoomState(room, { names: new NameBook() });
    states.push(state);
    return state;
  }

  function view(room: RoomState): Promise<RoomView> {
    return fixture<RoomView>(
      html`<chat-room-view
        style="height: 600px"
        .room=${room}
        .names=${new NameBook()}
        heading="Room"
        link="https://chat.example/r/actions-room"
        .canMessage=${() => true}
      ></chat-room-view>`,
    );
  }

  const messages = (room: RoomState): MessageLine[] =>
    room.snapshot().lines.filter((line): line is MessageLine => line.kind === 'message');

  const shows = (room: RoomState, check: (lines: MessageLine[]) => boolean, what: string) =>
    until(
      (onChange) => room.subscribe(onChange),
      () => check(messages(room)),
      what,
    );

  /** The actions element of the message row that shows `text` in `el`'s log. */
  function actionsOf(el: RoomView, id: string): HTMLElement {
    const log = shadow(el, 'chat-message-log');
    return shadow(log, `[data-id="${id}"] chat-message-actions`);
  }

  function button(host: HTMLElement, name: string): HTMLButtonElement {
    const found = [...(host.shadowRoot?.querySelectorAll('button') ?? [])].find(
      (b) => b.textContent.trim() === name,
    );
    if (!found) throw new Error(`no button "${name}"`);
    return found;
  }

  it('edits and deletes an own message, and the other member sees both', async () => {
    const ann = await member();
    const ben = await member();
    const el = await view(ann);
    expect(ann.send('helo')).to.equal(true);
    await shows(ben, (l) => l[0]?.text === 'helo', 'ben sees the message');
    const id = messages(ann)[0]?.id ?? '';
    await poll(
      () => shadow(el, 'chat-message-log').shadowRoot?.querySelector(`[data-id="${id}"]`) !== null,
      'the row is rendered',
    );

    const actions = actionsOf(el, id);
    await expectAccessible(el);
    button(actions, 'Edit').click();
    await (actions as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
    const box = shadow<HTMLTextAreaElement>(actions, 'textarea[aria-label="Edit message"]');
    expect(box.value).to.equal('helo');
    box.value = 'hello';
    await expectAccessible(el);
    box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    await shows(ben, (l) => l[0]?.text === 'hello' && l[0].edited === true, 'ben sees the edit');
    expect(messages(ann)[0]).to.include({ text: 'hello', edited: true });
    await poll(
      () => (shadow(el, 'chat-message-log').shadowRoot?.textContent ?? '').includes('edited'),
      'the view says edited',
    );

    button(actions, 'Delete').click();
    await (actions as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
    expect(actions.shadowRoot?.textContent).to.include('Copies may remain on other devices');
    await expectAccessible(el);
    button(actions, 'Delete message').click();
    await shows(ben, (l) => l[0]?.deleted === true, 'ben sees the deletion');
    expect(messages(ben)[0]?.text).to.equal('');
    const log = shadow(el, 'chat-message-log');
    await poll(
      () => (log.shadowRoot?.textContent ?? '').includes('message deleted'),
      'the view says message deleted',
    );
    expect(log.shadowRoot?.textContent).not.to.include('hello');
  });

  it("offers Reply and React but not Edit or Delete on someone else's message", async () => {
    const ann = await member();
    const ben = await member();
    const el = await view(ann);
    ben.send('from ben');
    await shows(ann, (l) => l[0]?.text === 'from ben', 'ann sees ben');
    const id = messages(ann)[0]?.id ?? '';
    const log = shadow(el, 'chat-message-log');
    await poll(
      () => log.shadowRoot?.querySelector(`[data-id="${id}"]`) !== null,
      'the row is rendered',
    );
    const names = [...(actionsOf(el, id).shadowRoot?.querySelectorAll('button') ?? [])].map((b) =>
      b.textContent.trim(),
    );
    expect(names).to.deep.equal(['Reply', 'React']);
    expect(ann.edit(id, 'mine now')).to.equal('not-own');
    expect(ann.deleteMessage(id)).to.equal('not-own');
    expect(ann.canAmend(id)).to.equal(false);
  });
});
