import { expect } from '@esm-bundle/chai';
import { html } from 'lit';
import { NameBook } from '../app/NameBook';
import type { ChatLine } from '../app/ChatLine';
import './MessageLog';
import type { MessageLog } from './MessageLog';
import { cleanupFixtures, expectAccessible, fixture } from '../testkit/ui/fixture';
import { poll } from '../testkit/waitFor';

const names = new NameBook();
for (const [id, name] of [
  ['a', 'Ann'],
  ['b', 'Ben'],
  ['c', 'Cy'],
  ['d', 'Dee'],
  ['e', 'Eve'],
]) {
  names.learn(id as string, name as string);
}

describe('chat-message-log notices', () => {
  afterEach(cleanupFixtures);

  it('says a run of joins and leaves in one quiet line', async () => {
    const lines: ChatLine[] = [
      { kind: 'members', id: 'r1', time: 1, joined: ['a', 'b'], left: ['c'] },
      { kind: 'members', id: 'r2', time: 2, joined: ['a', 'b', 'c', 'd', 'e'], left: [] },
      { kind: 'ended', id: 'e', time: 3 },
    ];
    const el = await fixture<MessageLog>(
      html`<chat-message-log
        style="height: 300px; width: 360px"
        .lines=${lines}
        .names=${names}
      ></chat-message-log>`,
    );
    const rows = (): HTMLElement[] => [
      ...(el.shadowRoot?.querySelectorAll<HTMLElement>('.row') ?? []),
    ];
    await poll(() => rows().length === 3, 'three rows');
    const text = rows().map((r) => {
      const copy = r.cloneNode(true) as HTMLElement;
      copy.querySelector('.day')?.remove();
      return copy.textContent.replace(/\s+/g, ' ').trim();
    });
    expect(text).to.deep.equal([
      'Ann and Ben joined · Cy left',
      'Ann, Ben and 3 others joined',
      'The chat has ended',
    ]);
    // No bold line in the middle of the history.
    for (const row of rows()) expect(Number(getComputedStyle(row).fontWeight)).to.be.below(600);
    await expectAccessible(el);
  });
});
