import { expect } from '@esm-bundle/chai';
import { html } from 'lit';
import type { Participant } from '../app/RoomSnapshot';
import './ParticipantList';
import type { DirectMessageDetail, KeyCompareDetail, ParticipantList } from './ParticipantList';
import { cleanupFixtures, expectAccessible, fixture } from '../testkit/ui/fixture';

const people: Participant[] = [
  { userId: 'me', label: 'Ann', tag: '0000-0001', self: true, tabs: 2, typing: false },
  { userId: 'b1', label: 'Ben (1111-2222)', tag: '1111-2222', self: false, tabs: 1, typing: true },
  { userId: 'b2', label: 'Ben (3333-4444)', tag: '3333-4444', self: false, tabs: 3, typing: false },
];

describe('chat-participants', () => {
  afterEach(cleanupFixtures);

  it('is a list named Participants with the online count, each user once', async () => {
    const el = await fixture<ParticipantList>(
      html`<chat-participants .participants=${people}></chat-participants>`,
    );
    const list = el.shadowRoot?.querySelector('[role="list"]');
    expect(list?.getAttribute('aria-label')).to.equal('Participants');
    expect(list?.querySelectorAll('li').length).to.equal(3);
    expect(el.shadowRoot?.querySelector('.count')?.textContent).to.equal('3 online');
  });

  it('tells same-named users apart by their key tags', async () => {
    const el = await fixture<ParticipantList>(
      html`<chat-participants .participants=${people}></chat-participants>`,
    );
    const items = [...(el.shadowRoot?.querySelectorAll('li') ?? [])].map((li) =>
      li.textContent.replace(/\s+/g, ' ').trim(),
    );
    expect(items[1]).to.contain('Ben 1111-2222');
    expect(items[2]).to.contain('Ben 3333-4444');
    expect(items[0]).to.contain('(you)');
    expect(items[1]).to.contain('typing…');
  });

  it('keeps everyone on one row that scrolls sideways, nobody cut in half', async () => {
    const many: Participant[] = Array.from({ length: 6 }, (_, i) => ({
      userId: `u${i}`,
      label: `Person ${i}`,
      tag: `000${i}-1111`,
      self: i === 0,
      tabs: 1,
      typing: false,
    }));
    const el = await fixture<ParticipantList>(
      html`<chat-participants style="width: 366px" .participants=${many}></chat-participants>`,
    );
    const list = el.shadowRoot?.querySelector('ul') as HTMLElement;
    const items = [...list.querySelectorAll('li')];
    const tops = new Set(items.map((li) => Math.round(li.getBoundingClientRect().top)));
    expect(tops.size).to.equal(1);
    expect(list.scrollWidth).to.be.greaterThan(list.clientWidth);
    expect(getComputedStyle(list).overflowX).to.equal('auto');
    for (const li of items) expect(li.scrollWidth).to.be.at.most(li.clientWidth + 1);
    await expectAccessible(el);
  });

  it('offers "Message privately" for others whose key is known', async () => {
    const el = await fixture<ParticipantList>(
      html`<chat-participants
        .participants=${people}
        .canMessage=${(id: string) => id === 'b1'}
      ></chat-participants>`,
    );
    const buttons = [
      ...(el.shadowRoot?.querySelectorAll<HTMLButtonElement>('button:not(.tag)') ?? []),
    ];
    expect(buttons.length).to.equal(1);
    expect(buttons[0]?.getAttribute('aria-label')).to.equal('Message privately: Ben 1111-2222');
    const asked: string[] = [];
    el.addEventListener('direct-message', (e) =>
      asked.push((e as CustomEvent<DirectMessageDetail>).detail.userId),
    );
    buttons[0]?.click();
    expect(asked).to.deep.equal(['b1']);
    await expectAccessible(el);
  });
});

describe('chat-participants: keys', () => {
  afterEach(cleanupFixtures);

  it('offers each key tag as a button that asks to compare keys', async () => {
    const el = await fixture<ParticipantList>(
      html`<chat-participants .participants=${people}></chat-participants>`,
    );
    const asked: KeyCompareDetail[] = [];
    el.addEventListener('key-compare', (e) =>
      asked.push((e as CustomEvent<KeyCompareDetail>).detail),
    );
    const tags = [...(el.shadowRoot?.querySelectorAll<HTMLButtonElement>('button.tag') ?? [])];
    expect(tags.map((b) => b.getAttribute('aria-label'))).to.deep.equal([
      'Your key: 0000-0001',
      'Compare keys with Ben 1111-2222',
      'Compare keys with Ben 3333-4444',
    ]);
    tags[2]?.click();
    tags[0]?.click();
    expect(asked).to.deep.equal([
      { userId: 'b2', self: false },
      { userId: 'me', self: true },
    ]);
    await expectAccessible(el);
  });
});
