import { expect } from '@esm-bundle/chai';
import { html } from 'lit';
import { NameBook } from '../app/NameBook';
import type { ChatLine, MessageLine } from '../app/Transcript';
import './MessageLog';
import type { MessageLog } from './MessageLog';
import { cleanupFixtures, expectAccessible, fixture, shadow, waitFor } from '../testkit/ui/fixture';

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
  await waitFor(
    () => (el.shadowRoot?.querySelectorAll('.row').length ?? 0) > 0 || lines.length === 0,
  );
  return el;
}

const rows = (el: MessageLog): HTMLElement[] => [
  ...(el.shadowRoot?.querySelectorAll<HTMLElement>('.row') ?? []),
];
const scroller = (el: MessageLog): HTMLElement => shadow(el, '[role="log"]');

/** Waits until the log shows its last line, scrolled to the very bottom. */
async function atBottom(el: MessageLog): Promise<void> {
  const last = el.lines.at(-1);
  await waitFor(() => {
    const s = scroller(el);
    const shown = rows(el).some((r) => r.dataset.id === last?.id);
    return shown && el.following && s.scrollHeight - s.scrollTop - s.clientHeight < 2;
  });
}

/** Scrolls to the top the way a user would, and waits until the log has noticed. */
async function scrollUp(el: MessageLog): Promise<void> {
  await waitFor(() => {
    scroller(el).scrollTop = 0;
    return !el.following;
  });
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
    expect(rows(el).map((r) => r.textContent.trim())).to.deep.equal([
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
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(shown, 'nothing to show yet').to.equal(0);
    el.lines = Array.from({ length: 500 }, (_, n) => message(n));
    await waitFor(() => shown > 0);
    expect(newestThen).to.equal(true);
    el.lines = [...el.lines, message(500)];
    await waitFor(() => rows(el).some((r) => r.dataset.id === 'm500'));
    await new Promise((resolve) => setTimeout(resolve, 300));
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
    const lines = Array.from({ length: 100_000 }, (_, i) => message(i));
    const started = performance.now();
    const el = await log(lines);
    await waitFor(() => rows(el).some((r) => r.textContent.includes('message 99999')));
    expect(performance.now() - started).to.be.lessThan(3000);
    expect(rows(el).length).to.be.lessThan(200);
    // Jump to the top: still a small DOM, the right rows.
    await atBottom(el);
    await scrollUp(el);
    await waitFor(() => rows(el).some((r) => r.dataset.id === 'm0'));
    expect(rows(el).length).to.be.lessThan(200);
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
    await waitFor(() => rows(el).some((r) => r.textContent.includes('message 201')));
    await el.updateComplete;
    expect(el.shadowRoot?.querySelector('button.new')).to.equal(null);
  });

  it('follows new lines while at the bottom', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => message(i));
    const el = await log(lines);
    await atBottom(el);
    el.lines = [...lines, message(200)];
    await waitFor(() => rows(el).some((r) => r.textContent.includes('message 200')));
    expect(el.shadowRoot?.querySelector('button.new')).to.equal(null);
  });

  it('asks for older pages near the top', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => message(i));
    const el = await log(lines, true);
    let asked = 0;
    el.addEventListener('load-older', () => (asked += 1));
    await atBottom(el);
    await scrollUp(el);
    await waitFor(() => asked > 0);
  });

  it('keeps the reader’s place when older lines are put above', async () => {
    const all = Array.from({ length: 400 }, (_, i) => message(i));
    const el = await log(all.slice(200), true);
    let asked = 0;
    el.addEventListener('load-older', () => (asked += 1));
    await atBottom(el);
    await scrollUp(el);
    await waitFor(() => asked > 0);
    el.lines = all;
    await waitFor(() => rows(el).some((r) => r.dataset.id === 'm200'));
    await waitFor(() => scroller(el).scrollTop > 2000);
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
