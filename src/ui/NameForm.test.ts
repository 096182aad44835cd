import { expect } from '@esm-bundle/chai';
import { html } from 'lit';
import './NameForm';
import type { NameForm, NameSubmitDetail } from './NameForm';
import { cleanupFixtures, expectAccessible, fixture, shadow } from '../testkit/ui/fixture';

function pressEnter(input: HTMLInputElement): void {
  // What the browser does for Enter in a form's only text field: submit the form.
  input.form?.requestSubmit();
}

describe('chat-name-form', () => {
  afterEach(cleanupFixtures);

  it('has a field named "Your name" with the focus', async () => {
    const el = await fixture<NameForm>(html`<chat-name-form></chat-name-form>`);
    const input = shadow<HTMLInputElement>(el, 'input');
    const label = shadow<HTMLLabelElement>(el, `label[for="${input.id}"]`);
    expect(label.textContent.trim()).to.equal('Your name');
    expect(el.shadowRoot?.activeElement).to.equal(input);
  });

  it('refuses an empty name inline, sends nothing', async () => {
    const el = await fixture<NameForm>(html`<chat-name-form></chat-name-form>`);
    const sent: string[] = [];
    el.addEventListener('name-submit', (e) =>
      sent.push((e as CustomEvent<NameSubmitDetail>).detail.name),
    );
    const input = shadow<HTMLInputElement>(el, 'input');
    input.value = '   ';
    pressEnter(input);
    await el.updateComplete;
    expect(shadow(el, '.error').textContent).to.equal('Please enter your name');
    expect(input.getAttribute('aria-invalid')).to.equal('true');
    expect(sent).to.deep.equal([]);
  });

  it('sends the trimmed name on Enter', async () => {
    const el = await fixture<NameForm>(html`<chat-name-form></chat-name-form>`);
    const sent: string[] = [];
    el.addEventListener('name-submit', (e) =>
      sent.push((e as CustomEvent<NameSubmitDetail>).detail.name),
    );
    const input = shadow<HTMLInputElement>(el, 'input');
    input.value = '  Ann ';
    pressEnter(input);
    expect(sent).to.deep.equal(['Ann']);
  });

  it('offers Cancel when changing a name, starting from the old one', async () => {
    const el = await fixture<NameForm>(html`<chat-name-form value="Ann" editing></chat-name-form>`);
    expect(shadow<HTMLInputElement>(el, 'input').value).to.equal('Ann');
    let cancelled = false;
    el.addEventListener('name-cancel', () => (cancelled = true));
    shadow<HTMLButtonElement>(el, 'button[type="button"]').click();
    expect(cancelled).to.equal(true);
  });

  it('cancels "Change name" on Escape, and only then', async () => {
    const el = await fixture<NameForm>(html`<chat-name-form value="Ann" editing></chat-name-form>`);
    let cancelled = 0;
    el.addEventListener('name-cancel', () => (cancelled += 1));
    const input = shadow<HTMLInputElement>(el, 'input');
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect(cancelled).to.equal(1);
    const first = await fixture<NameForm>(html`<chat-name-form></chat-name-form>`);
    first.addEventListener('name-cancel', () => (cancelled += 1));
    shadow<HTMLInputElement>(first, 'input').dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }),
    );
    expect(cancelled).to.equal(1);
  });

  it('is accessible, with and without an error', async () => {
    const el = await fixture<NameForm>(html`<chat-name-form></chat-name-form>`);
    await expectAccessible(el);
    pressEnter(shadow<HTMLInputElement>(el, 'input'));
    await el.updateComplete;
    await expectAccessible(el);
  });
});
