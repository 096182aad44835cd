import { expect } from '@esm-bundle/chai';
import { openChatDatabase, type ChatDatabase } from './ChatDatabase';
import { countTransactions } from './countTransactions';
import { eventStoreContract, message, readAll } from './eventStoreContract';
import type { StoredEvent } from './EventStore';
import { IdbEventStore } from './IdbEventStore';
import { freshDatabase, idbHarness } from '../testkit/storage/idbTestHarness';

const NAME = 'meshchat-test-events';

eventStoreContract(
  'IdbEventStore',
  idbHarness(NAME, (db) => new IdbEventStore(db)),
);

type RecordsPrototype = { getAllRecords?: unknown };
const storePrototype = IDBObjectStore.prototype as RecordsPrototype;

// The same contract where the browser reads pages the older way (Chromium before 141).
describe('without getAllRecords', () => {
  const own = Object.getOwnPropertyDescriptor(storePrototype, 'getAllRecords');
  before(() => {
    expect(own, 'this browser has getAllRecords').to.not.equal(undefined);
    delete storePrototype.getAllRecords;
  });
  after(() => {
    if (own) Object.defineProperty(storePrototype, 'getAllRecords', own);
  });
  eventStoreContract(
    'IdbEventStore',
    idbHarness(NAME, (db) => new IdbEventStore(db)),
  );
});

describe('IdbEventStore', () => {
  const database = freshDatabase(NAME);
  let db: ChatDatabase;
  beforeEach(() => {
    db = database();
  });

  it('skips and counts corrupted records instead of failing the page', async () => {
    const store = new IdbEventStore(db);
    await store.put([message('r', 1), message('r', 2), message('r', 5)]);
    // Records another version (or a damaged disk) left: they fit the key path, nothing else.
    await db.put('events', {
      order: 3,
      event: { id: 'x3', chatroomId: 'r', type: 'bogus' },
    } as never);
    await db.put('events', {
      order: 4,
      event: { id: 'x4', chatroomId: 'r', type: 'message', unixTime: 'soon' },
    } as never);
    const page = await store.page('r', 10);
    expect(page.events.map((s) => s.event.id)).to.deep.equal(['m1', 'm2', 'm5']);
    expect(page.skipped).to.equal(2);
    expect(store.corrupted).to.equal(2);
    // A page made only of corrupted records still moves the cursor on.
    const onlyBad = await store.page('r', 2, { order: 5, id: 'm5' });
    expect(onlyBad.events).to.deep.equal([]);
    expect(onlyBad.older).to.deep.equal({ order: 3, id: 'x3' });
    expect((await store.page('r', 2, onlyBad.older)).events.map((s) => s.event.id)).to.deep.equal([
      'm1',
      'm2',
    ]);
  });

  it('reads a page in one request', async () => {
    const store = new IdbEventStore(db);
    await store.put(Array.from({ length: 50 }, (_, i) => message('r', i)));
    const calls: string[] = [];
    const methods = ['getAllRecords', 'getAll', 'openKeyCursor', 'openCursor'] as const;
    const prototype = IDBObjectStore.prototype as unknown as Record<string, unknown>;
    const originals = methods.map((name) => [name, prototype[name]] as const);
    for (const [name, original] of originals) {
      prototype[name] = function (this: IDBObjectStore, ...args: unknown[]) {
        calls.push(name);
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      };
    }
    try {
      const page = await store.page('r', 20);
      expect(page.events.map((s) => s.event.id)).to.deep.equal(
        Array.from({ length: 20 }, (_, i) => `m${30 + i}`),
      );
      expect(page.older).to.deep.equal({ order: 30, id: 'm30' });
      expect((await store.page('r', 20, { order: 10, id: 'm10' })).older).to.equal(undefined);
    } finally {
      for (const [name, original] of originals) prototype[name] = original;
    }
    expect(calls).to.deep.equal(['getAllRecords', 'getAllRecords']);
  });

  it('puts a batch in one transaction', async () => {
    const store = new IdbEventStore(db);
    const transactions = countTransactions(db);
    await store.put(Array.from({ length: 500 }, (_, i) => message('r', i)));
    expect(transactions.count).to.equal(1);
    expect(await store.count('r')).to.equal(500);
  });

  it('pages over 100,000 stored events (reports timings, asserts only results)', async function () {
    this.timeout(120_000);
    const store = new IdbEventStore(db);
    const total = 100_000;
    const batch = 5_000;
    const writeStart = performance.now();
    for (let start = 0; start < total; start += batch) {
      const events: StoredEvent[] = [];
      for (let i = start; i < start + batch; i += 1)
        events.push(message('big', i, i % 3 ? 'alice' : 'bob'));
      await store.put(events);
    }
    const writeMs = performance.now() - writeStart;
    // A reload: the query runs on a fresh connection, nothing cached in this page.
    db.close();
    const openStart = performance.now();
    db = await openChatDatabase({ name: NAME });
    const fresh = new IdbEventStore(db);
    const queryStart = performance.now();
    const newest = await fresh.page('big', 50);
    const newestMs = performance.now() - queryStart;
    const openAndQueryMs = performance.now() - openStart;
    const olderStart = performance.now();
    const older = await fresh.page('big', 50, newest.older);
    const olderMs = performance.now() - olderStart;
    const deepStart = performance.now();
    const deep = await fresh.page('big', 50, { order: 500, id: 'm500' });
    const deepMs = performance.now() - deepStart;
    const unreadStart = performance.now();
    const unread = await fresh.countMessagesAfter('big', total - 1_500 - 1, 'bob', 5_000);
    const unreadMs = performance.now() - unreadStart;
    const cappedStart = performance.now();
    const capped = await fresh.countMessagesAfter('big', 0, 'bob');
    const cappedMs = performance.now() - cappedStart;
    console.log(
      `[storage timing] 100k events: write ${writeMs.toFixed(0)} ms ` +
        `(${Math.round(total / (writeMs / 1000))} events/s, batches of ${batch}); ` +
        `open database + newest 50 ${openAndQueryMs.toFixed(1)} ms (query alone ${newestMs.toFixed(1)} ms); ` +
        `next older 50 ${olderMs.toFixed(1)} ms; ` +
        `50 deep in history ${deepMs.toFixed(1)} ms; unread count of 1,000 ${unreadMs.toFixed(1)} ms; unread count capped at 999 of 66k ${cappedMs.toFixed(1)} ms`,
    );
    expect(newest.events.map((s) => s.order)).to.deep.equal(
      Array.from({ length: 50 }, (_, i) => total - 50 + i),
    );
    expect(older.events.map((s) => s.order)).to.deep.equal(
      Array.from({ length: 50 }, (_, i) => total - 100 + i),
    );
    expect(deep.events.map((s) => s.order)).to.deep.equal(
      Array.from({ length: 50 }, (_, i) => 450 + i),
    );
    let expected = 0;
    for (let i = total - 1_500; i < total; i += 1) if (i % 3 !== 0) expected += 1;
    expect(unread).to.equal(expected);
    expect(capped).to.equal(999);
    expect(await fresh.count('big')).to.equal(total);
  });

  it('reads the whole history back in order across pages', async () => {
    const store = new IdbEventStore(db);
    const events = Array.from({ length: 23 }, (_, i) => message('r', 100 - i * 3));
    await store.put(events);
    const all = await readAll(store, 'r', 5);
    expect(all.map((s) => s.order)).to.deep.equal(events.map((s) => s.order).reverse());
  });
});
