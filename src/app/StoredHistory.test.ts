import { expect } from '@esm-bundle/chai';
import type { ChatEvent } from '../hub/events';
import { MemoryEventStore } from '../storage/MemoryEventStore';
import { StoredHistory, type StoredHistoryEvent } from './StoredHistory';
import type { TranscriptEntry } from './ChatLine';

const message = (id: string, order: number): StoredHistoryEvent => ({
  order,
  event: { id, chatroomId: 'r', type: 'message', userId: 'u', message: id, unixTime: order },
});
const entry = (id: string, clock: number): TranscriptEntry => ({
  id,
  userId: 'u',
  message: id,
  unixTime: clock,
  clock,
});

describe('StoredHistory', () => {
  it('returns the log untouched when it holds every stored message', async () => {
    const history = new StoredHistory(
      { page: () => Promise.resolve({ events: [message('a', 1), message('b', 2)] }) },
      'r',
    );
    await history.load();
    const log = [entry('a', 1), entry('b', 2), entry('c', 3)];
    expect(history.merge(log, (id) => log.some((e) => e.id === id))).to.equal(log);
  });

  it('slots stored messages the log lacks into the log’s order, and hands back notices', async () => {
    const join: ChatEvent = { id: 'j', chatroomId: 'r', type: 'join', userId: 'u', unixTime: 0 };
    const history = new StoredHistory(
      {
        page: () =>
          Promise.resolve({
            events: [{ order: 0, event: join }, message('old', 1), message('mid', 4)],
          }),
      },
      'r',
    );
    const notices = await history.load();
    expect(notices).to.deep.equal([join]);
    const log = [entry('x', 2), entry('y', 5)];
    const ids = history.merge(log, (id) => log.some((e) => e.id === id)).map((e) => e.id);
    expect(ids).to.deep.equal(['old', 'x', 'mid', 'y']);
  });

  it('reads older pages on demand, oldest first, until none is left', async () => {
    const store = new MemoryEventStore();
    await store.put(Array.from({ length: 5 }, (_, n) => message(`s${n}`, n + 1)));
    const asked: (number | undefined)[] = [];
    const history = new StoredHistory(
      {
        page: (room, count, before) => {
          asked.push(before?.order);
          return store.page(room, count, before);
        },
      },
      'r',
      2,
    );
    await history.load();
    const ids = (): string[] => history.merge([], () => false, false).map((e) => e.id);
    expect(ids()).to.deep.equal(['s3', 's4']);
    expect(history.hasOlder).to.equal(true);
    await history.loadOlder();
    expect(ids()).to.deep.equal(['s1', 's2', 's3', 's4']);
    await history.loadOlder();
    expect(ids()).to.deep.equal(['s0', 's1', 's2', 's3', 's4']);
    expect(history.hasOlder).to.equal(false);
    expect(await history.loadOlder()).to.deep.equal([]);
    expect(asked).to.deep.equal([undefined, 4, 2]);
    // Reading the newest again (after an import) keeps as much as was read.
    await history.load();
    expect(ids()).to.have.length(5);
  });

  it('marks stored messages the loaded log lacks as unverified, not before it loaded', async () => {
    const history = new StoredHistory(
      { page: () => Promise.resolve({ events: [message('imported', 1), message('a', 2)] }) },
      'r',
    );
    await history.load();
    const log = [entry('a', 2)];
    const inLog = (id: string): boolean => log.some((e) => e.id === id);
    expect(history.merge(log, inLog, false)[0]).not.to.have.property('unverified');
    const [imported, a] = history.merge(log, inLog, true);
    expect(imported).to.include({ id: 'imported', unverified: true });
    expect(a).to.equal(log[0]);
  });

  it('shows sealed messages, stored signed and absent from the log, as verified', async () => {
    // A restarted tab holds sealed history only in storage: the log has the live entries.
    const signed = (id: string, order: number): StoredHistoryEvent => ({
      ...message(id, order),
      signed: true,
    });
    const pages = [
      [signed('sealed-1', 1), message('imported', 2)],
      [signed('sealed-2', 3), signed('live', 4)],
    ];
    const history = new StoredHistory(
      {
        page: (_room, _count, before) =>
          Promise.resolve(
            before
              ? { events: pages[0] ?? [] }
              : { events: pages[1] ?? [], older: { order: 3, id: 'sealed-2' } },
          ),
      },
      'r',
      2,
    );
    await history.load();
    await history.loadOlder();
    const log = [entry('live', 4)];
    const inLog = (id: string): boolean => log.some((e) => e.id === id);
    const shown = history.merge(log, inLog, true);
    expect(shown.map((e) => [e.id, e.unverified === true])).to.deep.equal([
      ['sealed-1', false],
      ['imported', true],
      ['sealed-2', false],
      ['live', false],
    ]);
  });

  it('shows what the log has when storage fails', async () => {
    const history = new StoredHistory({ page: () => Promise.reject(new Error('quota')) }, 'r');
    expect(await history.load()).to.deep.equal([]);
    const log = [entry('x', 2)];
    expect(history.merge(log, () => true)).to.equal(log);
  });
});
