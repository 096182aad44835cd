import { expect } from '@esm-bundle/chai';
import { html } from 'lit';
import type { MessageLog } from './MessageLog';
import { cleanupFixtures, expectAccessible, fixture } from '../testkit/ui/fixture';
import { names, message, log, rows, scroller, text } from '../testkit/ui/messageLog';
import { poll } from '../testkit/waitFor';

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

  it('is accessible', async () => {
    const el = await log([
      message(1),
      message(2, { userId: 'me', own: true, delivered: false, text: 'see https://example.com' }),
      { kind: 'joined', id: 'j', userId: 'ben', time: 1 },
    ]);
    await expectAccessible(el);
  });
});
