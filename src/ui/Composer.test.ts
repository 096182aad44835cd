import { expect } from '@esm-bundle/chai';
import { html } from 'lit';
import './Composer';
import type { Composer, MessageSendDetail } from './Composer';
import { cleanupFixtures, expectAccessible, fixture, shadow } from '../testkit/ui/fixture';

async function composer(): Promise<{ el: Composer; box: HTMLTextAreaElement; sent: string[] }> {
  const el = await fixture<Composer>(html`<chat-composer></chat-composer>`);
  const sent: string[] = [];
  el.addEventListener('message-send', (e) =>
    sent.push((e as CustomEvent<MessageSendDetail>).detail.text),
  );
  return { el, box: shadow<HTMLTextAreaElement>(el, 'textarea'), sent };
}

function key(box: HTMLTextAreaElement, init: KeyboardEventInit): KeyboardEvent {
  const event = new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init });
  box.dispatchEvent(event);
  return event;
}

describe('chat-composer', () => {
  afterEach(cleanupFixtures);

  it('names its box "Message" and its button "Send"', async () => {
    const { el, box } = await composer();
    expect(box.getAttribute('aria-label')).to.equal('Message');
    expect(shadow(el, 'button[type="submit"]').textContent.trim()).to.equal('Send');
  });

  it('sends on Enter and clears the box', async () => {
    const { box, sent } = await composer();
    box.value = 'hello';
    const event = key(box, { key: 'Enter' });
    expect(event.defaultPrevented).to.equal(true);
    expect(sent).to.deep.equal(['hello']);
    expect(box.value).to.equal('');
  });

  it('keeps Shift+Enter (a new line) and IME Enter in the box', async () => {
    const { box, sent } = await composer();
    box.value = 'line one';
    expect(key(box, { key: 'Enter', shiftKey: true }).defaultPrevented).to.equal(false);
    expect(key(box, { key: 'Enter', isComposing: true }).defaultPrevented).to.equal(false);
    expect(sent).to.deep.equal([]);
    expect(box.value).to.equal('line one');
  });

  it('ignores empty and whitespace-only input', async () => {
    const { el, box, sent } = await composer();
    key(box, { key: 'Enter' });
    box.value = '  \n  ';
    key(box, { key: 'Enter' });
    shadow<HTMLButtonElement>(el, 'button[type="submit"]').click();
    expect(sent).to.deep.equal([]);
  });

  it('sends with the Send button, text as typed', async () => {
    const { el, box, sent } = await composer();
    box.value = ' two\nlines ';
    shadow<HTMLButtonElement>(el, 'button[type="submit"]').click();
    expect(sent).to.deep.equal([' two\nlines ']);
  });

  it('reports typing, and shows who is typing', async () => {
    const { el, box } = await composer();
    let typing = 0;
    el.addEventListener('message-typing', () => (typing += 1));
    box.value = 'h';
    box.dispatchEvent(new InputEvent('input', { bubbles: true }));
    expect(typing).to.equal(1);
    el.typing = ['Ben'];
    await el.updateComplete;
    expect(shadow(el, '.typing').textContent.trim()).to.equal('Ben is typing…');
    el.typing = ['Ben', 'Cy', 'Dee'];
    await el.updateComplete;
    expect(shadow(el, '.typing').textContent.trim()).to.equal('3 people are typing…');
  });

  it('sends nothing when disabled (the chat has ended)', async () => {
    const { el, box, sent } = await composer();
    el.disabled = true;
    await el.updateComplete;
    box.value = 'late';
    key(box, { key: 'Enter' });
    expect(sent).to.deep.equal([]);
  });

  it('keeps an over-long message in the box and says why it was not sent', async () => {
    const { el, box, sent } = await composer();
    let stops = 0;
    el.addEventListener('message-typing-stop', () => (stops += 1));
    const long = 'x'.repeat(20_000);
    box.value = long;
    box.dispatchEvent(new InputEvent('input', { bubbles: true }));
    key(box, { key: 'Enter' });
    await el.updateComplete;
    expect(sent).to.deep.equal([]);
    expect(box.value).to.equal(long);
    expect(box.getAttribute('aria-invalid')).to.equal('true');
    expect(shadow(el, '[role="alert"]').textContent).to.match(/Not sent.*20,000.*16,384/);
    expect(stops).to.equal(1);
    // Shortened to the limit, it goes.
    box.value = 'x'.repeat(16_384);
    box.dispatchEvent(new InputEvent('input', { bubbles: true }));
    key(box, { key: 'Enter' });
    expect(sent).to.have.length(1);
    expect(box.value).to.equal('');
  });

  it('counts down the characters left near the limit', async () => {
    const { el, box } = await composer();
    box.value = 'short';
    box.dispatchEvent(new InputEvent('input', { bubbles: true }));
    await el.updateComplete;
    expect(el.shadowRoot?.querySelector('.count')).to.equal(null);
    box.value = 'x'.repeat(16_000);
    box.dispatchEvent(new InputEvent('input', { bubbles: true }));
    await el.updateComplete;
    expect(shadow(el, '.count').textContent.trim()).to.equal('384 characters left');
    box.value = 'x'.repeat(16_400);
    box.dispatchEvent(new InputEvent('input', { bubbles: true }));
    await el.updateComplete;
    expect(shadow(el, '.count').textContent.trim()).to.equal('16 characters over the limit');
  });

  it('keeps the text when the room could not send it', async () => {
    const { el, box } = await composer();
    el.addEventListener('message-send', (e) => {
      e.preventDefault();
      el.refuse('Not sent: the room is closed.');
    });
    box.value = 'keep me';
    key(box, { key: 'Enter' });
    await el.updateComplete;
    expect(box.value).to.equal('keep me');
    expect(shadow(el, '[role="alert"]').textContent.trim()).to.equal(
      'Not sent: the room is closed.',
    );
  });

  it('is accessible', async () => {
    const { el } = await composer();
    el.typing = ['Ben'];
    await el.updateComplete;
    await expectAccessible(el);
  });
});
