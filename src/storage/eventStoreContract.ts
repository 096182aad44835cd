// The EventStore contract: MemoryEventStore, IdbEventStore and ResilientEventStore all run it.
import { expect } from '@esm-bundle/chai';
import { makeEvent, type ChatEvent } from '../hub/events';
import { DestroyedError, InvalidArgumentError } from './errors';
import type { EventStore, HistoryCursor, StoredEvent } from './EventStore';
import type { StoreHarness } from '../testkit/storage/idbTestHarness';

/** What an event store implementation provides to run the contract suite. */
/** How a suite opens, reopens and cleans up a store (see idbTestHarness.ts). */
export type EventStoreHarness = StoreHarness<EventStore>;

/** A message event of `roomId`, stored with order `order`. */
export function message(
  roomId: string,
  order: number,
  userId = 'alice',
  id = `m${order}`,
): StoredEvent {
  return {
    order,
    event: makeEvent({
      id,
      chatroomId: roomId,
      type: 'message',
      userId,
      message: `text ${order}`,
      unixTime: 1_700_000_000_000 + order,
    }),
  };
}

/** A join event of `roomId` at order `order`. */
export function join(roomId: string, order: number, userId = 'bob'): StoredEvent {
  return {
    order,
    event: makeEvent({
      id: `${roomId}:join:${userId}:s1:${order}`,
      chatroomId: roomId,
      type: 'join',
      userId,
      sessionId: 's1',
      unixTime: 1_700_000_000_000 + order,
    }),
  };
}

/** Reads a room's whole history page by page, oldest first. */
export async function readAll(
  store: EventStore,
  roomId: string,
  pageSize = 7,
): Promise<StoredEvent[]> {
  const pages: StoredEvent[][] = [];
  let before: HistoryCursor | undefined;
  for (;;) {
    const page = await store.page(roomId, pageSize, before);
    pages.unshift([...page.events]);
    if (!page.older) break;
    before = page.older;
  }
  return pages.flat();
}

const ids = (events: readonly StoredEvent[]): string[] => events.map((s) => s.event.id);

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** The EventStore contract. */
export function eventStoreContract(name: string, makeHarness: () => EventStoreHarness): void {
  describe(`EventStore contract: ${name}`, () => {
    let harness: EventStoreHarness;
    beforeEach(() => {
      harness = makeHarness();
    });
    afterEach(async () => {
      await harness.cleanup();
    });

    it('redacts the text of chosen messages, which stay stored as duplicates', async () => {
      const store = await harness.open();
      await store.put([message('r', 1), message('r', 2), message('other', 1)]);
      await store.redact('r', ['m1', 'missing']);
      const page = await store.page('r', 10);
      expect(page.events.map((s) => s.event.message)).to.deep.equal([undefined, 'text 2']);
      expect(page.events[0]?.event).to.include({ id: 'm1', type: 'message', userId: 'alice' });
      expect((await store.page('other', 10)).events[0]?.event.message).to.equal('text 1');
      expect(await store.put([message('r', 1)])).to.deep.equal({ stored: 0, duplicates: 1 });
      expect((await store.page('r', 10)).events[0]?.event.message).to.equal(undefined);
    });

    it('replaces the text of edited messages, never of redacted ones', async () => {
      const store = await harness.open();
      await store.put([message('r', 1), message('r', 2), message('r', 3), message('other', 1)]);
      await store.redact('r', ['m3']);
      await store.revise('r', [
        ['m1', 'text 1, edited'],
        ['m3', 'back from the dead'],
        ['missing', 'nowhere'],
      ]);
      const page = await store.page('r', 10);
      expect(page.events.map((s) => s.event.message)).to.deep.equal([
        'text 1, edited',
        'text 2',
        undefined,
      ]);
      expect(page.events[0]?.event).to.include({ id: 'm1', type: 'message', userId: 'alice' });
      expect((await store.page('other', 10)).events[0]?.event.message).to.equal('text 1');
      expect(await store.count('r')).to.equal(3);
      expect(await store.put([message('r', 1)])).to.deep.equal({ stored: 0, duplicates: 1 });
      expect((await store.page('r', 10)).events[0]?.event.message).to.equal('text 1, edited');
    });

    it('keeps the signed mark of a message through pages, redaction and edits', async () => {
      const store = await harness.open();
      const signed = (order: number): StoredEvent => ({ ...message('r', order), signed: true });
      await store.put([signed(1), message('r', 2), signed(3), signed(4)]);
      await store.redact('r', ['m3']);
      await store.revise('r', [['m4', 'text 4, edited']]);
      const page = await store.page('r', 10);
      expect(page.events.map((s) => [s.event.id, s.signed === true])).to.deep.equal([
        ['m1', true],
        ['m2', false],
        ['m3', true],
        ['m4', true],
      ]);
      // Unmarked is absent, not false: a record holds nothing it does not need.
      expect(page.events[1]).not.to.have.property('signed');
    });

    it('holds nothing at first', async () => {
      const store = await harness.open();
      const page = await store.page('r', 50);
      expect(page.events).to.deep.equal([]);
      expect(page.older).to.equal(undefined);
      expect(await store.count('r')).to.equal(0);
    });

    it('pages newest first, each page oldest first, the cursor exact at the end', async () => {
      const store = await harness.open();
      const events = Array.from({ length: 10 }, (_, i) => message('r', i + 1));
      expect(await store.put(events)).to.deep.equal({ stored: 10, duplicates: 0 });
      const newest = await store.page('r', 4);
      expect(ids(newest.events)).to.deep.equal(['m7', 'm8', 'm9', 'm10']);
      expect(newest.older).to.deep.equal({ order: 7, id: 'm7' });
      const middle = await store.page('r', 4, newest.older);
      expect(ids(middle.events)).to.deep.equal(['m3', 'm4', 'm5', 'm6']);
      const last = await store.page('r', 2, middle.older);
      expect(ids(last.events)).to.deep.equal(['m1', 'm2']);
      expect(last.older).to.equal(undefined);
      expect((await store.page('r', 20)).older).to.equal(undefined);
      expect(newest.events[0]).to.deep.equal(events[6]);
    });

    it('orders by the order key, then by id, whatever the order of puts', async () => {
      const store = await harness.open();
      await store.put([message('r', 5, 'a', 'b5'), message('r', 1)]);
      await store.put([message('r', 5, 'a', 'a5'), message('r', 3), join('r', 4)]);
      const all = await readAll(store, 'r', 2);
      expect(ids(all)).to.deep.equal(['m1', 'm3', 'r:join:bob:s1:4', 'a5', 'b5']);
    });

    it('stores an id once per room, keeping the first order; counts the duplicates', async () => {
      const store = await harness.open();
      await store.put([message('r', 1), message('r', 2)]);
      const again = await store.put([
        message('r', 2),
        message('r', 9, 'alice', 'm1'),
        message('r', 3),
        message('r', 3),
      ]);
      expect(again).to.deep.equal({ stored: 1, duplicates: 3 });
      expect(await store.count('r')).to.equal(3);
      expect((await readAll(store, 'r')).map((s) => s.order)).to.deep.equal([1, 2, 3]);
      // The same id in another room is another event.
      expect(await store.put([message('other', 1)])).to.deep.equal({ stored: 1, duplicates: 0 });
    });

    it('keeps rooms apart, a room id that prefixes another included', async () => {
      const store = await harness.open();
      await store.put([message('r', 1), message('r2', 2), message('r', 3)]);
      expect(ids((await store.page('r', 10)).events)).to.deep.equal(['m1', 'm3']);
      expect(ids((await store.page('r2', 10)).events)).to.deep.equal(['m2']);
      expect(await store.count('r')).to.equal(2);
      await store.deleteRoom('r');
      expect(await store.count('r')).to.equal(0);
      expect(await store.count('r2')).to.equal(1);
    });

    it('counts messages after a position, leaving out one author and other events', async () => {
      const store = await harness.open();
      await store.put([
        message('r', 1, 'me'),
        message('r', 2, 'you'),
        join('r', 3),
        message('r', 4, 'me'),
        message('r', 5, 'you'),
        message('r', 6, 'them'),
        message('r2', 7, 'you'),
      ]);
      expect(await store.countMessagesAfter('r', 2, 'me')).to.equal(2);
      expect(await store.countMessagesAfter('r', 2)).to.equal(3);
      expect(await store.countMessagesAfter('r', -Infinity, 'me')).to.equal(3);
      expect(await store.countMessagesAfter('r', 6, 'me')).to.equal(0);
      expect(await store.countMessagesAfter('r', 0, undefined, 3)).to.equal(3);
      expect(await store.countMessagesAfter('r', 0, 'you', 2)).to.equal(2);
      expect(await store.countMessagesAfter('r', 0.5, 'me', 50)).to.equal(3);
    });

    it('keeps events across a reopen (a reload)', async () => {
      const store = await harness.open();
      const events = [message('r', 1), join('r', 2), message('r', 3, 'carol')];
      await store.put(events);
      const reopened = await harness.reopen();
      expect(await readAll(reopened, 'r')).to.deep.equal(events);
    });

    it('refuses invalid events and page sizes with a typed error, storing none of the batch', async () => {
      const store = await harness.open();
      const bad = {
        order: 2,
        event: { ...message('r', 2).event, type: 'nope' },
      } as unknown as StoredEvent;
      expect(await rejection(store.put([message('r', 1), bad]))).to.be.instanceOf(
        InvalidArgumentError,
      );
      expect(await rejection(store.put([{ ...message('r', 1), order: NaN }]))).to.be.instanceOf(
        InvalidArgumentError,
      );
      expect(await store.count('r')).to.equal(0);
      expect(await rejection(store.page('r', 0))).to.be.instanceOf(InvalidArgumentError);
    });

    it('destroy is idempotent, and a destroyed store refuses calls', async () => {
      const store = await harness.open();
      store.destroy();
      store.destroy();
      expect(await rejection(store.page('r', 1))).to.be.instanceOf(DestroyedError);
      expect(await rejection(store.put([message('r', 1)]))).to.be.instanceOf(DestroyedError);
    });
  });
}

/** Events with exactly the fields of a ChatEvent, for deep comparisons. */
export function eventsOf(stored: readonly StoredEvent[]): ChatEvent[] {
  return stored.map((s) => s.event);
}
