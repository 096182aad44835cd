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
