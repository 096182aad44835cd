import { expect } from '@esm-bundle/chai';
import { html } from 'lit';
import type { SearchHit } from '../app/SearchHit';
import './MessageSearchBox';
import type { MessageSearchBox, SearchOpenDetail, SearchRunner } from './MessageSearchBox';
import { cleanupFixtures, expectAccessible, fixture, shadow } from '../testkit/ui/fixture';
import { poll } from '../testkit/waitFor';

const hits: SearchHit[] = [
  { roomId: 'trip', id: 'm1', userId: 'ann', text: 'Train tickets are booked', time: 1 },
  { roomId: 'work', id: 'w1', userId: 'ben', text: 'The train was late', time: 2 },
];

describe('chat-message-search', () => {
  afterEach(cleanupFixtures);

  async function box(runner: SearchRunner) {
    const el = await fixture<MessageSearchBox>(
      html`<chat-message-search
        .search=${runner}
        .label=${(id: string) => ({ ann: 'Ann', ben: 'Ben' })[id] ?? id}
        .roomLabel=${(id: string) => ({ trip: 'Trip', work: 'Work' })[id] ?? id}
      ></chat-message-search>`,
    );
    return { el, input: shadow<HTMLInputElement>(el, 'input[type="search"]') };
  }

  const text = (el: Element, selector: string) =>
    (el.shadowRoot?.querySelector(selector)?.textContent ?? '').replace(/\s+/g, ' ').trim();

  it('says it reads the history, lists what matched, and opens a result', async () => {
    let finish: () => void = () => undefined;
    const { el, input } = await box(async (query, progress) => {
      progress(40_000);
      await new Promise<void>((resolve) => (finish = resolve));
      return query === 'train' ? hits : [];
    });
    expect(input.getAttribute('aria-label')).to.equal('Search messages');
    input.value = 'train';
    input.dispatchEvent(new Event('input'));
    await poll(() => text(el, '.status').startsWith('Reading your history'), 'progress');
    expect(text(el, '.status')).to.equal('Reading your history… 40,000 messages');
    finish();
    await poll(() => text(el, '.status') === '2 messages found.', 'results');
    const buttons = [...(el.shadowRoot?.querySelectorAll('li button') ?? [])];
    expect(
      buttons.map((b) => b.textContent.replace(/\s+/g, ' ').trim().split(' · ')[0]),
    ).to.deep.equal(['Ann in Trip', 'Ben in Work']);
    await expectAccessible(el);
    const opened: SearchOpenDetail[] = [];
    el.addEventListener('search-open', (e) =>
      opened.push((e as CustomEvent<SearchOpenDetail>).detail),
    );
    (buttons[1] as HTMLButtonElement).click();
    expect(opened).to.deep.equal([{ roomId: 'work', id: 'w1' }]);
  });

  it('says when nothing matches, and Escape clears the search', async () => {
    const { el, input } = await box(() => Promise.resolve([]));
    input.value = 'zebra';
    input.dispatchEvent(new Event('input'));
    await poll(() => text(el, '.status') === 'No messages match “zebra”.', 'no results');
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await poll(() => text(el, '.status') === '', 'cleared');
    expect(input.value).to.equal('');
  });
});
