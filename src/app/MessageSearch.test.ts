import { expect } from '@esm-bundle/chai';
import { makeEvent } from '../hub/events';
import { MemoryEventStore } from '../storage/MemoryEventStore';
import { MessageSearch } from './MessageSearch';

function stored(roomId: string, id: string, text: string, time: number, userId = 'ann') {
  return {
    order: time,
    event: makeEvent({
      id,
      chatroomId: roomId,
      type: 'message',
      userId,
      message: text,
      unixTime: time,
    }),
  };
}

describe('MessageSearch', () => {
  async function searchOver(events: ReturnType<typeof stored>[], rooms: string[]) {
    const store = new MemoryEventStore();
    await store.put(events);
    const counts: number[] = [];
    const search = new MessageSearch({
      history: store,
      rooms: () => rooms,
      pageSize: 2,
      pause: () => Promise.resolve(),
    });
    await search.build((n) => counts.push(n));
    return { search, counts };
  }

  it('finds stored messages of every joined room, page by page, with progress', async () => {
    const { search, counts } = await searchOver(
      [
        stored('trip', 'm1', 'Train tickets are booked', 1),
        stored('trip', 'm2', 'Hotel near the station', 2),
        stored('trip', 'm3', 'Bring the map', 3, 'ben'),
        stored('work', 'w1', 'The train was late again', 4),
        stored('left', 'x1', 'train from a room I left', 5),
      ],
      ['trip', 'work'],
    );
    expect(search.size).to.equal(4);
    expect(counts.at(-1)).to.equal(4);
    expect(counts.length).to.be.greaterThan(2);
    const hits = search.search('train');
    expect(hits.map((h) => `${h.roomId}/${h.id}`).sort()).to.deep.equal(['trip/m1', 'work/w1']);
    expect(hits.find((h) => h.id === 'm1')).to.deep.include({
      userId: 'ann',
      text: 'Train tickets are booked',
      time: 1,
    });
    // Every word must match; prefixes and a small typo are found.
    expect(search.search('train late').map((h) => h.id)).to.deep.equal(['w1']);
    expect(search.search('sta').map((h) => h.id)).to.deep.equal(['m2']);
    expect(search.search('stasion').map((h) => h.id)).to.deep.equal(['m2']);
    expect(search.search('   ')).to.deep.equal([]);
  });

  it('adds messages as they arrive, drops deleted ones and rooms left', async () => {
    const { search } = await searchOver([stored('trip', 'm1', 'picnic on Sunday', 1)], ['trip']);
    search.add('trip', [{ id: 'm2', userId: 'ben', message: 'picnic basket ready', unixTime: 2 }]);
    search.add('work', [{ id: 'w1', userId: 'ben', message: 'picnic at the office', unixTime: 3 }]);
    expect(search.search('picnic')).to.have.length(3);
    search.remove('trip', ['m2']);
    expect(search.search('basket')).to.deep.equal([]);
    search.forgetRoom('work');
    expect(search.search('picnic').map((h) => h.id)).to.deep.equal(['m1']);
  });

  it('keeps messages that arrive during the build, and none twice', async () => {
    const store = new MemoryEventStore();
    await store.put([stored('trip', 'm1', 'alpha', 1), stored('trip', 'm2', 'alpha beta', 2)]);
    let release: () => void = () => undefined;
    const search = new MessageSearch({
      history: store,
      rooms: () => ['trip'],
      pageSize: 1,
      pause: () => new Promise<void>((resolve) => (release = resolve)),
    });
    const building = search.build();
    search.add('trip', [{ id: 'm3', userId: 'ann', message: 'alpha gamma', unixTime: 3 }]);
    search.add('trip', [{ id: 'm2', userId: 'ann', message: 'alpha beta', unixTime: 2 }]);
    for (let i = 0; i < 5; i += 1) {
      release();
      await Promise.resolve();
      await new Promise((r) => setTimeout(r, 0));
    }
    await building;
    expect(
      search
        .search('alpha')
        .map((h) => h.id)
        .sort(),
    ).to.deep.equal(['m1', 'm2', 'm3']);
  });
});

describe('MessageSearch ranking and edits', () => {
  async function built(events: ReturnType<typeof stored>[]) {
    const store = new MemoryEventStore();
    await store.put(events);
    const search = new MessageSearch({
      history: store,
      rooms: () => ['trip'],
      pause: () => Promise.resolve(),
    });
    return search;
  }

  it('puts whole words before longer ones and typos, and the newest first among equals', async () => {
    const search = await built([
      stored('trip', 'old', 'see you at the station', 1),
      stored('trip', 'new', 'the station is closed', 3),
      stored('trip', 'longer', 'stationary bikes', 4),
      stored('trip', 'typo', 'the stasion cafe', 5),
      stored('trip', 'other', 'nothing to see', 6),
    ]);
    await search.build();
    expect(search.search('station').map((h) => h.id)).to.deep.equal([
      'new',
      'old',
      'longer',
      'typo',
    ]);
    expect(search.search('STATION', 1).map((h) => h.id)).to.deep.equal(['new']);
    // Accents and case do not matter; the last word may be unfinished, earlier ones not.
    search.add('trip', [{ id: 'cafe', userId: 'ben', message: 'Café crème', unixTime: 7 }]);
    expect(search.search('creme cafe').map((h) => h.id)).to.deep.equal(['cafe']);
    expect(search.search('cre caf').map((h) => h.id)).to.deep.equal([]);
  });

  it('finds an edited message by its new words only, edited before or after the build', async () => {
    const search = await built([
      stored('trip', 'm1', 'meet at noon', 1),
      stored('trip', 'm2', 'bring snacks', 2),
    ]);
    search.revise('trip', 'm2', 'bring sandwiches');
    await search.build();
    expect(search.search('snacks')).to.deep.equal([]);
    expect(search.search('sandwiches').map((h) => h.text)).to.deep.equal(['bring sandwiches']);
    search.revise('trip', 'm1', 'meet at one');
    expect(search.search('noon')).to.deep.equal([]);
    expect(search.search('meet one')).to.have.length(1);
    expect(search.search('meet')[0]).to.deep.include({ id: 'm1', time: 1, userId: 'ann' });
    expect(search.size).to.equal(2);
    search.remove('trip', ['m1']);
    expect(search.search('meet')).to.deep.equal([]);
    expect(search.size).to.equal(1);
  });
});
