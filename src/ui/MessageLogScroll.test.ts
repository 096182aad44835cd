import { expect } from '@esm-bundle/chai';
import { html } from 'lit';
import type { MessageLog } from './MessageLog';
import { cleanupFixtures, fixture, shadow } from '../testkit/ui/fixture';
import { names, message, log, rows, scroller, atBottom, scrollUp } from '../testkit/ui/messageLog';
import { poll } from '../testkit/waitFor';

describe('chat-message-log: scrolling and layout', () => {
  afterEach(cleanupFixtures);

  it('says once when its first lines are laid out with the newest in view', async () => {
    const el = await fixture<MessageLog>(
      html`<chat-message-log style="height: 400px; width: 360px"></chat-message-log>`,
    );
    let shown = 0;
    let newestThen = false;
    el.addEventListener('lines-shown', () => {
      shown += 1;
      newestThen = rows(el).some((r) => r.dataset.id === 'm499');
    });
    el.lines = [];
    await el.updateComplete;
    // A scroll to the end queues behind the log's own layout work: once it is done, an
    // announcement that work was going to make has been made.
    await el.scrollToEnd();
    expect(shown, 'nothing to show yet').to.equal(0);
    el.lines = Array.from({ length: 500 }, (_, n) => message(n));
    await poll(() => shown > 0);
    expect(newestThen).to.equal(true);
    el.lines = [...el.lines, message(500)];
    await poll(() => rows(el).some((r) => r.dataset.id === 'm500'));
    await el.scrollToEnd();
    expect(shown).to.equal(1);
  });

  it('keeps following when a stored page arrives into an empty log, then a new line', async () => {
    const el = await fixture<MessageLog>(
      html`<chat-message-log
        style="height: 400px; width: 360px"
        .names=${names}
      ></chat-message-log>`,
    );
    el.lines = [];
    await el.updateComplete;
    el.lines = Array.from({ length: 500 }, (_, n) => message(n));
    await atBottom(el);
    el.lines = [...el.lines, message(500)];
    await atBottom(el);
    expect(rows(el).some((r) => r.dataset.id === 'm500')).to.equal(true);
  });

  it('keeps 100,000 messages in a small DOM, scrolled to the newest', async () => {
    // How fast a large room shows its newest message is the cold open benchmark's claim.
    const lines = Array.from({ length: 100_000 }, (_, i) => message(i));
    const el = await log(lines);
    await poll(() => rows(el).some((r) => r.textContent.includes('message 99999')));
    expect(rows(el).length).to.be.lessThan(200);
    // Jump to the top: still a small DOM, the right rows.
    await atBottom(el);
    await scrollUp(el);
    await poll(() => rows(el).some((r) => r.dataset.id === 'm0'));
    expect(rows(el).length).to.be.lessThan(200);
  });

  it('lays out a stored page from its newest line: the first rows it shows are the newest', async () => {
    const el = await log([]);
    // Every row the log ever puts in its DOM, in order, from the first on.
    const added: string[] = [];
    const watch = new MutationObserver((records) => {
      for (const record of records) {
        for (const node of record.addedNodes) {
          if (node instanceof HTMLElement && node.classList.contains('row')) {
            added.push(node.dataset.id ?? '');
          }
        }
      }
    });
    watch.observe(el.shadowRoot as ShadowRoot, { childList: true, subtree: true });
    el.lines = Array.from({ length: 2_000 }, (_, i) => message(i));
    await atBottom(el);
    watch.disconnect();
    // Had it laid out from the top first, m0 and its neighbours would have come and gone.
    expect(added).to.include('m1999');
    expect(added).not.to.include('m0');
  });

  it('offers "New messages" when new lines arrive while scrolled up', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => message(i));
    const el = await log(lines);
    await atBottom(el);
    await scrollUp(el);
    el.lines = [...lines, message(200), message(201)];
    await el.updateComplete;
    const button = shadow<HTMLButtonElement>(el, 'button.new');
    expect(button.textContent.trim()).to.equal('New messages (2) ↓');
    button.click();
    await poll(() => rows(el).some((r) => r.textContent.includes('message 201')));
    await el.updateComplete;
    expect(el.shadowRoot?.querySelector('button.new')).to.equal(null);
  });

  it('follows new lines while at the bottom', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => message(i));
    const el = await log(lines);
    await atBottom(el);
    el.lines = [...lines, message(200)];
    await poll(() => rows(el).some((r) => r.textContent.includes('message 200')));
    expect(el.shadowRoot?.querySelector('button.new')).to.equal(null);
  });

  it('asks for older pages near the top', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => message(i));
    const el = await log(lines, true);
    let asked = 0;
    el.addEventListener('load-older', () => (asked += 1));
    await atBottom(el);
    await scrollUp(el);
    await poll(() => asked > 0);
  });

  it('keeps the reader’s place when older lines are put above', async () => {
    const all = Array.from({ length: 400 }, (_, i) => message(i));
    const el = await log(all.slice(200), true);
    let asked = 0;
    el.addEventListener('load-older', () => (asked += 1));
    await atBottom(el);
    await scrollUp(el);
    await poll(() => asked > 0);
    el.lines = all;
    await poll(() => rows(el).some((r) => r.dataset.id === 'm200'));
    await poll(() => scroller(el).scrollTop > 2000);
  });

  it('never grows taller than its box, however short', async () => {
    const el = await log(Array.from({ length: 50 }, (_, i) => message(i)));
    el.style.height = '100px';
    await poll(() => scroller(el).getBoundingClientRect().height <= 100);
  });

  it('keeps the newest message in view when the log shrinks', async () => {
    const lines = Array.from({ length: 60 }, (_, i) => message(i, { text: `message ${i}` }));
    const el = await log(lines);
    await atBottom(el);
    el.style.height = '180px';
    await atBottom(el);
    const last = rows(el).find((r) => r.dataset.id === 'm59') as HTMLElement;
    const box = scroller(el).getBoundingClientRect();
    expect(last.getBoundingClientRect().bottom).to.be.at.most(box.bottom + 1);
    expect(el.following).to.equal(true);
  });
});
