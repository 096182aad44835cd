import { expect } from '@esm-bundle/chai';
import { html } from 'lit';
import { NameBook } from '../app/NameBook';
import type { ChatLine, MessageLine } from '../app/ChatLine';
import './MessageLog';
import type { MessageLog } from './MessageLog';
import { cleanupFixtures, expectAccessible, fixture } from '../testkit/ui/fixture';
import { poll } from '../testkit/waitFor';

const names = new NameBook();
names.learn('ann', 'Ann');
names.learn('ben', 'Ben');

const HOUR = 3_600_000;
const base = Date.UTC(2026, 10, 27, 9);

function message(id: string, userId: string, time: number, own = false): MessageLine {
  return {
    kind: 'message',
    id,
    userId,
    text: `text ${id}`,
    time,
    own,
    delivered: true,
    verified: true,
  };
}

describe('chat-message-log: new since you left, and mentions', () => {
  afterEach(cleanupFixtures);

  async function log(lines: ChatLine[], newSince: number | undefined): Promise<MessageLog> {
    return fixture<MessageLog>(
      html`<chat-message-log
        style="height: 500px; width: 420px"
        .lines=${lines}
        .names=${names}
        .newSince=${newSince}
        .now=${() => base + 5 * HOUR}
      ></chat-message-log>`,
    );
  }

  const marks = (el: MessageLog) => [
    ...(el.shadowRoot?.querySelectorAll<HTMLElement>('.unread-mark') ?? []),
  ];

  it('puts one line above the first message of others after the read mark, with the count', async () => {
    const lines = [
      message('m1', 'ben', base),
      message('m2', 'ann', base + HOUR, true),
      message('m3', 'ben', base + 3 * HOUR),
      message('m4', 'ann', base + 3 * HOUR + 1, true),
      message('m5', 'ben', base + 4 * HOUR),
    ];
    const el = await log(lines, base + 2 * HOUR);
    await poll(() => marks(el).length === 1, 'the line shows');
    const mark = marks(el)[0];
    expect(mark?.textContent.replace(/\s+/g, ' ').trim()).to.equal('2 new messages since you left');
    expect(mark?.closest('.row')?.getAttribute('data-id')).to.equal('m3');
    await expectAccessible(el);
  });

  it('marks a message of others that mentions this user', async () => {
    const lines = [
      { ...message('m1', 'ben', base), text: '@Ann bring the map' },
      { ...message('m2', 'ben', base + 1), text: 'no mention of Ann' },
    ];
    const el = await fixture<MessageLog>(
      html`<chat-message-log
        style="height: 400px; width: 420px"
        .lines=${lines}
        .names=${names}
        selfName="Ann"
      ></chat-message-log>`,
    );
    const bubble = (id: string) =>
      el.shadowRoot?.querySelector(`[data-id="${id}"] .bubble`) ?? undefined;
    await poll(() => bubble('m2') !== undefined, 'rows');
    expect(bubble('m1')?.classList.contains('mention')).to.equal(true);
    expect(bubble('m1')?.textContent).to.include('(mentions you)');
    expect(bubble('m2')?.classList.contains('mention')).to.equal(false);
    await expectAccessible(el);
  });

  it('shows no line when nothing of others is new, or for a room opened the first time', async () => {
    const lines = [message('m1', 'ben', base), message('m2', 'ann', base + 3 * HOUR, true)];
    const read = await log(lines, base + 2 * HOUR);
    await poll(() => (read.shadowRoot?.querySelectorAll('.row').length ?? 0) === 2, 'rows');
    expect(marks(read)).to.have.length(0);
    const fresh = await log(lines, undefined);
    await poll(() => (fresh.shadowRoot?.querySelectorAll('.row').length ?? 0) === 2, 'rows');
    expect(marks(fresh)).to.have.length(0);
  });
});
