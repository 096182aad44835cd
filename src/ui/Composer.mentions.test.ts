import { expect } from '@esm-bundle/chai';
import { html } from 'lit';
import './Composer';
import type { Composer, MessageSendDetail } from './Composer';
import { cleanupFixtures, expectAccessible, fixture, shadow } from '../testkit/ui/fixture';

async function composer(people: string[]) {
  const el = await fixture<Composer>(html`<chat-composer .people=${people}></chat-composer>`);
  const sent: string[] = [];
  el.addEventListener('message-send', (e) =>
    sent.push((e as CustomEvent<MessageSendDetail>).detail.text),
  );
  return { el, box: shadow<HTMLTextAreaElement>(el, 'textarea'), sent };
}

/** Types `text` at the end of the box, as the browser's input event reports it. */
async function type(el: Composer, box: HTMLTextAreaElement, text: string): Promise<void> {
  box.value += text;
  box.setSelectionRange(box.value.length, box.value.length);
  box.dispatchEvent(new InputEvent('input', { bubbles: true }));
  await el.updateComplete;
}

function key(box: HTMLTextAreaElement, name: string): KeyboardEvent {
  const event = new KeyboardEvent('keydown', { key: name, bubbles: true, cancelable: true });
  box.dispatchEvent(event);
  return event;
}

const options = (el: Composer) =>
  [...(el.shadowRoot?.querySelectorAll('[role="option"]') ?? [])].map((o) => ({
    name: o.textContent.trim(),
    selected: o.getAttribute('aria-selected') === 'true',
  }));

describe('chat-composer: @mentions', () => {
  afterEach(cleanupFixtures);

  it('offers the people of the room after "@", chosen with the arrows and Enter', async () => {
    const { el, box, sent } = await composer(['Ben', 'Annie', 'Ann']);
    await type(el, box, 'hi @an');
    expect(options(el)).to.deep.equal([
      { name: 'Annie', selected: true },
      { name: 'Ann', selected: false },
    ]);
    expect(box.getAttribute('aria-activedescendant')).to.equal('mention-0');
    await expectAccessible(el);
    key(box, 'ArrowDown');
    await el.updateComplete;
    expect(options(el)[1]?.selected).to.equal(true);
    expect(box.getAttribute('aria-activedescendant')).to.equal('mention-1');
    const enter = key(box, 'Enter');
    await el.updateComplete;
    // Enter chose a name: nothing was sent, the list closed, the name is in the box.
    expect(enter.defaultPrevented).to.equal(true);
    expect(sent).to.deep.equal([]);
    expect(box.value).to.equal('hi @Ann ');
    expect(options(el)).to.deep.equal([]);
    await type(el, box, 'lunch?');
    key(box, 'Enter');
    expect(sent).to.deep.equal(['hi @Ann lunch?']);
  });

  it('closes the list with Escape, and offers nothing inside an address', async () => {
    const { el, box } = await composer(['Ann']);
    await type(el, box, '@');
    expect(options(el).map((o) => o.name)).to.deep.equal(['Ann']);
    key(box, 'Escape');
    await el.updateComplete;
    expect(options(el)).to.deep.equal([]);
    box.value = '';
    await type(el, box, 'mail me at ann@a');
    expect(options(el)).to.deep.equal([]);
  });
});
