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

type Updating = HTMLElement & { updateComplete: Promise<unknown> };

describe('chat-room-view: replies, reactions and the room name', () => {
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

  async function member(name: string, names: NameBook): Promise<RoomState> {
    const signer = await Identity.loadOrCreate(new MemoryKeyStore());
    const room = mesh.open({ roomId: 'responses-room', displayName: name, signer });
    names.learn(signer.userId, name);
    const state = new RoomState(room, { names });
    states.push(state);
    return state;
  }

  function view(room: RoomState, names: NameBook): Promise<RoomView> {
    return fixture<RoomView>(
      html`<chat-room-view
        style="height: 600px"
        .room=${room}
        .names=${names}
        heading="Room abc123"
        link="https://chat.example/r/responses-room"
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

  function button(host: Element, name: string): HTMLButtonElement {
    const found = [...(host.shadowRoot?.querySelectorAll('button') ?? [])].find(
      (b) =>
        (b.getAttribute('aria-label') ?? b.textContent.replace(/[▾\s]+/g, ' ').trim()) === name,
    );
    if (!found) throw new Error(`no button "${name}"`);
    return found;
  }

  async function row(el: RoomView, id: string): Promise<Element> {
    const log = shadow(el, 'chat-message-log');
    await poll(
      () => log.shadowRoot?.querySelector(`[data-id="${id}"]`) !== null,
      'the row is rendered',
    );
    return log.shadowRoot?.querySelector(`[data-id="${id}"]`) as Element;
  }

  it('replies with a quote of the original that the other member sees too', async () => {
    const names = new NameBook();
    const ann = await member('Ann', names);
    const ben = await member('Ben', names);
    const el = await view(ann, names);
    ben.send('Lunch at noon?');
    await shows(ann, (l) => l.length === 1, 'ann sees the question');
    const question = messages(ann)[0]?.id ?? '';
    const actions = (await row(el, question)).querySelector('chat-message-actions') as Updating;
    button(actions, 'Reply').click();
    const composer = shadow<Updating>(el, 'chat-composer');
    await poll(
      () => (composer.shadowRoot?.textContent ?? '').includes('Replying to'),
      'the composer shows the reply',
    );
    expect(composer.shadowRoot?.textContent).to.match(/Replying to\s*Ben:\s*Lunch at noon\?/);
    await expectAccessible(el);
    const box = shadow<HTMLTextAreaElement>(composer, 'textarea');
    expect(composer.shadowRoot?.activeElement).to.equal(box);
    box.value = 'Yes!';
    box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));

    await shows(ben, (l) => l[1]?.replyTo?.id === question, 'ben sees the reply linked');
    expect(messages(ben)[1]).to.deep.include({ text: 'Yes!' });
    expect(messages(ben)[1]?.replyTo).to.deep.include({ text: 'Lunch at noon?', deleted: false });
    await composer.updateComplete;
    expect(composer.shadowRoot?.textContent).not.to.include('Replying to');
    const answer = messages(ann)[1]?.id ?? '';
    const quote = (await row(el, answer)).querySelector('button.quote');
    expect(quote?.textContent.replace(/\s+/g, ' ').trim()).to.equal(
      'Reply to Ben: Lunch at noon?. Show the original',
    );
  });

  it('drops a reply with Escape, and sends a plain message after', async () => {
    const names = new NameBook();
    const ann = await member('Ann', names);
    const el = await view(ann, names);
    ann.send('first');
    await shows(ann, (l) => l.length === 1, 'sent');
    const id = messages(ann)[0]?.id ?? '';
    button((await row(el, id)).querySelector('chat-message-actions') as Element, 'Reply').click();
    const composer = shadow<Updating>(el, 'chat-composer');
    await poll(
      () => (composer.shadowRoot?.textContent ?? '').includes('Replying to'),
      'the composer shows the reply',
    );
    expect(composer.shadowRoot?.textContent).to.include('Replying to yourself');
    const box = shadow<HTMLTextAreaElement>(composer, 'textarea');
    box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await composer.updateComplete;
    await (el as unknown as Updating).updateComplete;
    expect(composer.shadowRoot?.textContent).not.to.include('Replying to');
    box.value = 'second';
    box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    await shows(ann, (l) => l.length === 2, 'second sent');
    expect(messages(ann)[1]?.replyTo).to.equal(undefined);
  });

  it('reacts from the picker or with any emoji, and a second press takes it back', async () => {
    const names = new NameBook();
    const ann = await member('Ann', names);
    const ben = await member('Ben', names);
    const el = await view(ann, names);
    ben.send('Passed the exam');
    await shows(ann, (l) => l.length === 1, 'ann sees it');
    const id = messages(ann)[0]?.id ?? '';
    const actions = (await row(el, id)).querySelector('chat-message-actions') as Updating;
    button(actions, 'React').click();
    await actions.updateComplete;
    await expectAccessible(el);
    button(actions, 'React with 🎉').click();
    await shows(ben, (l) => l[0]?.reactions?.[0]?.emoji === '🎉', 'ben sees the reaction');
    expect(messages(ben)[0]?.reactions).to.deep.equal([
      { emoji: '🎉', users: [ann.userId], mine: false },
    ]);

    // Any emoji typed in; and a word is refused with a reason.
    button(actions, 'React').click();
    await actions.updateComplete;
    const input = shadow<HTMLInputElement>(actions, 'input[name="emoji"]');
    input.value = 'wow';
    button(actions, 'Add reaction').click();
    await actions.updateComplete;
    expect(actions.shadowRoot?.textContent).to.include('A reaction is one emoji');
    input.value = '🦄';
    button(actions, 'Add reaction').click();
    await shows(ben, (l) => l[0]?.reactions?.length === 2, 'ben sees two reactions');

    await row(el, id);
    const log = shadow(el, 'chat-message-log');
    const chip = () =>
      [...(log.shadowRoot?.querySelectorAll(`[data-id="${id}"] .reactions button`) ?? [])].find(
        (b) => b.textContent.includes('🎉'),
      ) as HTMLButtonElement | undefined;
    await poll(() => chip() !== undefined, 'the chip shows');
    const shown = chip();
    expect(shown?.getAttribute('aria-pressed')).to.equal('true');
    expect(shown?.getAttribute('aria-label')).to.equal('🎉 1: Ann');
    shown?.click();
    await shows(ben, (l) => l[0]?.reactions?.length === 1, 'ben sees it taken back');
    expect(messages(ben)[0]?.reactions).to.deep.equal([
      { emoji: '🦄', users: [ann.userId], mine: false },
    ]);
  });

  it('renames the room for everyone from the More menu, and says who named it', async () => {
    const names = new NameBook();
    const ann = await member('Ann', names);
    const ben = await member('Ben', names);
    const el = await view(ann, names);
    const menu = shadow<Updating>(el, 'chat-room-menu');
    button(menu, 'More room actions').click();
    await menu.updateComplete;
    button(menu, 'Rename room').click();
    const dialog = shadow<Updating>(el, 'chat-room-name-dialog');
    // The dialog's code loads when it first opens.
    await poll(() => (dialog as unknown as { open?: boolean }).open === true);
    const name = shadow<HTMLInputElement>(dialog, 'input#room-name');
    expect(dialog.shadowRoot?.activeElement).to.equal(name);
    await expectAccessible(el);
    name.value = 'Trip to Lyon';
    shadow<HTMLInputElement>(dialog, 'input#room-topic').value = 'May 3-7';
    button(dialog, 'Save').click();
    expect((dialog as unknown as { open: boolean }).open).to.equal(false);
    await until(
      (f) => ben.subscribe(f),
      () => ben.snapshot().profile?.name === 'Trip to Lyon',
      'ben sees the name',
    );
    expect(ben.snapshot().profile).to.deep.include({ topic: 'May 3-7', by: ann.userId });
    await (el as unknown as Updating).updateComplete;
    expect(shadow(el, 'h2').textContent).to.include('Trip to Lyon');
    expect(shadow(el, '.topic').textContent).to.equal('May 3-7');
    expect(shadow(shadow(el, 'chat-share-dialog'), '.room-name').textContent).to.equal(
      'Trip to Lyon',
    );
    expect(ann.nameRoom('x'.repeat(65))).to.equal('too-long');
    expect(ann.nameRoom('   ')).to.equal('empty');
  });
});
