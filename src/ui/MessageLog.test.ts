import { expect } from '@esm-bundle/chai';
import { html } from 'lit';
import { NameBook } from '../app/NameBook';
import type { ChatLine, MessageLine } from '../app/ChatLine';
import './MessageLog';
import type { MessageLog } from './MessageLog';
import { cleanupFixtures, expectAccessible, fixture, shadow } from '../testkit/ui/fixture';
import { poll } from '../testkit/waitFor';

const names = new NameBook();
names.learn('ben', 'Ben');
names.learn('me', 'Ann');

const message = (n: number, extra: Partial<MessageLine> = {}): MessageLine => ({
  kind: 'message',
  id: `m${n}`,
  userId: 'ben',
  text: `message ${n}`,
  time: Date.UTC(2026, 10, 21, 12, 0, n % 60),
  own: false,
  delivered: true,
  verified: true,
  ...extra,
});

async function log(lines: readonly ChatLine[], hasOlder = false): Promise<MessageLog> {
  const el = await fixture<MessageLog>(
    html`<chat-message-log
      style="height: 400px; width: 360px"
      .lines=${lines}
      .names=${names}
      ?hasOlder=${hasOlder}
    ></chat-message-log>`,
  );
  await poll(
    () => (el.shadowRoot?.querySelectorAll('.row').length ?? 0) > 0 || lines.length === 0,
    'the first rows',
  );
  return el;
}

const rows = (el: MessageLog): HTMLElement[] => [
  ...(el.shadowRoot?.querySelectorAll<HTMLElement>('.row') ?? []),
];
const scroller = (el: MessageLog): HTMLElement => shadow(el, '[role="log"]');
/** A row's visible words, without its day separator. */
function text(row: HTMLElement): string {
  const copy = row.cloneNode(true) as HTMLElement;
  for (const hidden of copy.querySelectorAll('.day, .sr-only')) hidden.remove();
  return copy.textContent.replace(/\s+/g, ' ').trim();
}

/** Waits until the log shows its last line, scrolled to the very bottom. */
async function atBottom(el: MessageLog): Promise<void> {
  const last = el.lines.at(-1);
  await poll(() => {
    const s = scroller(el);
    const shown = rows(el).some((r) => r.dataset.id === last?.id);
    return shown && el.following && s.scrollHeight - s.scrollTop - s.clientHeight < 2;
  }, 'the last line, scrolled to the very bottom');
}

/** Scrolls to the top the way a user would, and waits until the log has noticed. */
async function scrollUp(el: MessageLog): Promise<void> {
  // As a reader's wheel does, every try moves the view and so fires a scroll event: setting 0
  // again where the view is at 0 already would fire none, and a scroll the log ignored while it
  // was still pinning the end would never be seen again. A scroll to the end still in progress
  // (the first layout's) ignores scrolls away from the end, as it must while rows are measured:
  // wait for it, as a reader's first wheel turn comes after the log has settled.
  await el.scrollToEnd();
  await poll(() => {
    const s = scroller(el);
    s.scrollTop = s.scrollTop === 0 ? 1 : 0;
    return !el.following && s.scrollTop <= 1;
  }, 'the log to notice the scroll to the top');
  scroller(el).scrollTop = 0;
}

describe('chat-message-log', () => {
  afterEach(cleanupFixtures);

  it('is a log; own messages right-aligned without a name, others "name: text" with a time', async () => {
    const el = await log([message(1), message(2, { userId: 'me', own: true })]);
    expect(scroller(el).getAttribute('role')).to.equal('log');
    const [other, own] = rows(el);
    expect(other?.querySelector('.bubble')?.textContent.replace(/\s+/g, ' ').trim()).to.match(
      /^Ben: message 1\s*\d\d:\d\d/,
    );
    expect(other?.querySelector('time')).to.not.equal(null);
    expect(own?.classList.contains('own')).to.equal(true);
    expect(own?.querySelector('.who')).to.equal(null);
    expect(getComputedStyle(own as HTMLElement).justifyContent).to.equal('flex-end');
  });

  it('shows joined, left and ended lines', async () => {
    const el = await log([
      { kind: 'joined', id: 'j', userId: 'ben', time: 1 },
      { kind: 'left', id: 'l', userId: 'ben', time: 2 },
      { kind: 'ended', id: 'e', time: 3 },
    ]);
    expect(rows(el).map((r) => text(r))).to.deep.equal([
      'Ben has joined the chat',
      'Ben has left the chat',
      'The chat has ended',
    ]);
  });

  it('marks messages not yet delivered', async () => {
    const el = await log([message(1, { userId: 'me', own: true, delivered: false })]);
    expect(rows(el)[0]?.textContent).to.contain('Not delivered yet');
  });

  it('says which messages it cannot vouch for (imported from a file)', async () => {
    const el = await log([message(1), message(2, { verified: false })]);
    expect(rows(el)[0]?.textContent).not.to.contain('not verified');
    expect(rows(el)[1]?.textContent)
      .to.contain('Ben')
      .and.to.contain('Imported, author not verified');
  });

  it('renders user text as text, never as markup', async () => {
    const text = '<img src=x onerror="window.pwned=1"><script>window.pwned=1</script>';
    const el = await log([message(1, { text })]);
    expect(el.shadowRoot?.querySelectorAll('img, script').length).to.equal(0);
    expect(rows(el)[0]?.textContent).to.contain(text);
    expect((window as unknown as { pwned?: number }).pwned).to.equal(undefined);
  });

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

  it('groups consecutive messages of one author: one name, one time at the end', async () => {
    const at = (minute: number) => Date.UTC(2026, 10, 21, 12, minute);
    const el = await log([
      message(1, { time: at(0) }),
      message(2, { time: at(1) }),
      message(3, { time: at(2) }),
      message(4, { time: at(3), userId: 'me', own: true }),
      message(5, { time: at(4), userId: 'me', own: true }),
      message(6, { time: at(30) }),
    ]);
    await poll(() => rows(el).length === 6);
    const [m1, m2, m3, m4, m5, m6] = rows(el) as [
      HTMLElement,
      HTMLElement,
      HTMLElement,
      HTMLElement,
      HTMLElement,
      HTMLElement,
    ];
    expect(m1.querySelector('.who')?.textContent).to.equal('Ben');
    expect(m2.querySelector('.who')).to.equal(null);
    expect(m3.querySelector('.who')).to.equal(null);
    // Screen readers still hear who wrote each message.
    expect(m2.querySelector('.sr-only')?.textContent).to.equal('Ben: ');
    // The visible time only under the last message of each group; every one keeps its own.
    expect(text(m1)).to.equal('Ben message 1');
    expect(text(m3)).to.match(/^message 3\s*\d\d:\d\d/);
    expect(text(m4)).to.equal('message 4');
    expect(text(m5)).to.match(/^message 5\s*\d\d:\d\d/);
    expect(m2.querySelector('time')?.getAttribute('datetime')).to.equal(
      new Date(at(1)).toISOString(),
    );
    // Half an hour later: a new group with the name again.
    expect(m6.querySelector('.who')?.textContent).to.equal('Ben');
  });

  it('puts a separator above each day: Today, Yesterday, then the full date', async () => {
    const now = new Date(2026, 10, 27, 15, 0).getTime();
    const day = (offset: number, hour: number) =>
      new Date(2026, 10, 27 + offset, hour, 0).getTime();
    const lines = [
      message(1, { time: day(-3, 9) }),
      message(2, { time: day(-3, 16) }),
      message(3, { time: day(-1, 10) }),
      message(4, { time: day(0, 11) }),
    ];
    const el = await fixture<MessageLog>(
      html`<chat-message-log
        style="height: 400px; width: 360px"
        .lines=${lines}
        .names=${names}
        .now=${() => now}
      ></chat-message-log>`,
    );
    await poll(() => rows(el).length === 4);
    const days = [...(el.shadowRoot?.querySelectorAll('.day') ?? [])].map((d) => d.textContent);
    const full = (offset: number) =>
      new Date(2026, 10, 27 + offset).toLocaleDateString(undefined, {
        weekday: 'long',
        year: 'numeric',
        month: 'long',
        day: 'numeric',
      });
    expect(days).to.deep.equal([full(-3), `Yesterday, ${full(-1)}`, 'Today']);
    await expectAccessible(el);
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

  it('is accessible', async () => {
    const el = await log([
      message(1),
      message(2, { userId: 'me', own: true, delivered: false, text: 'see https://example.com' }),
      { kind: 'joined', id: 'j', userId: 'ben', time: 1 },
    ]);
    await expectAccessible(el);
  });
});
