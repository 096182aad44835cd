import { expect } from '@esm-bundle/chai';
import type { ChatEvent } from '../hub/events';
import { Hub } from '../hub/Hub';
import { MemoryEventLog } from '../hub/MemoryEventLog';
import { MemoryPresence } from '../hub/MemoryPresence';
import { openChatDatabase, type ChatDatabase } from './ChatDatabase';
import { freshDatabase } from '../testkit/storage/idbTestHarness';
import { countTransactions } from './countTransactions';
import { readAll } from './eventStoreContract';
import { IdbEventStore } from './IdbEventStore';
import { MemoryEventStore } from './MemoryEventStore';
import { PersistentListener } from './PersistentListener';
import { poll } from '../testkit/waitFor';
import { NAME, received, newHub, GatedStore } from '../testkit/storage/listenerStores';

describe('PersistentListener', () => {
  const database = freshDatabase(NAME);
  let db: ChatDatabase;
  beforeEach(() => {
    db = database();
  });

  it('stores exactly what a session receives, in order, and it survives a reload', async () => {
    const hub = newHub();
    // Delivery order as the order key: unixTime alone ties within a millisecond.
    let sequence = 0;
    const listener = new PersistentListener(new IdbEventStore(db), { orderOf: () => sequence++ });
    const handle = hub.attachListener(listener);
    const stream = hub.add('u1', 's1');
    hub.message('u1', 'hello');
    hub.add('u2', 's1');
    hub.message('u2', 'hi');
    hub.remove('u2', 's1');
    hub.close();
    await handle.done;
    const seen: ChatEvent[] = [];
    for await (const event of stream) seen.push(event);
    db.close();
    db = await openChatDatabase({ name: NAME });
    const stored = await readAll(new IdbEventStore(db), 'room');
    expect(stored.map((s) => s.event)).to.deep.equal(hub.history());
    expect(seen.map((e) => e.type)).to.deep.equal([
      'join',
      'message',
      'join',
      'message',
      'leave',
      'close',
    ]);
    expect(stored.map((s) => s.event.type)).to.deep.equal([
      'join',
      'message',
      'join',
      'message',
      'leave',
      'close',
    ]);
    // Messages come from the room's log, whose signatures were checked: marked so.
    expect(stored.map((s) => s.signed === true)).to.deep.equal([
      false,
      true,
      false,
      true,
      false,
      false,
    ]);
  });

  it('writes a burst of 1,000 events in a handful of transactions', async () => {
    const transactions = countTransactions(db);
    const hub = newHub();
    const listener = new PersistentListener(new IdbEventStore(db));
    hub.attachListener(listener);
    for (let i = 0; i < 1000; i += 1) hub.message('u1', `m${i}`);
    await received(listener, 1000);
    await listener.flush();
    expect(listener.stats().stored).to.equal(1000);
    console.log(`[storage batching] 1,000-event burst: ${transactions.count} transaction(s)`);
    expect(transactions.count).to.be.at.most(5);
  });

  it('batches events that trickle in while a write is in flight (group commit)', async () => {
    const transactions = countTransactions(db);
    const store = new GatedStore(db);
    const hub = newHub();
    const listener = new PersistentListener(store);
    hub.attachListener(listener);
    // The first message starts a write that the disk holds; 999 more trickle in over 200 tasks
    // meanwhile, each task a separate batch from the hub.
    hub.message('u1', 'first');
    await poll(() => store.puts === 1, 'the first write to start', { everyMs: 0 });
    for (let task = 0; task < 200; task += 1) {
      for (let i = 0; i < 5 && task * 5 + i < 999; i += 1) hub.message('u1', `m${task}-${i}`);
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
    }
    await received(listener, 1000);
    expect(store.puts, 'no second write while the first is in flight').to.equal(1);
    store.open();
    await listener.flush();
    expect(listener.stats().stored).to.equal(1000);
    console.log(
      `[storage batching] 1,000 events over 200 tasks: ${store.puts} writes, ${transactions.count} transactions`,
    );
    // The held write, then everything that came meanwhile as one more write.
    expect(store.puts).to.equal(2);
    expect(transactions.count).to.be.at.most(3);
  });

  it('flush() settles once everything received is stored', async () => {
    const store = new IdbEventStore(db);
    const hub = newHub();
    const listener = new PersistentListener(store);
    hub.attachListener(listener);
    hub.add('u1', 's1');
    for (let i = 0; i < 250; i += 1) hub.message('u1', `m${i}`);
    await received(listener, 251);
    await listener.flush();
    expect(await store.count('room')).to.equal(251);
    expect(listener.backlog).to.equal(0);
  });

  it('orders by orderOf, and falls back to unixTime for an unusable order', async () => {
    const store = new IdbEventStore(db);
    const clocks = new Map<string, number>();
    const hub = newHub();
    const listener = new PersistentListener(store, {
      orderOf: (event) => clocks.get(event.message ?? '') ?? NaN,
    });
    hub.attachListener(listener);
    clocks.set('second', 2).set('first', 1);
    hub.message('u1', 'second');
    hub.message('u1', 'first');
    hub.message('u1', 'unordered');
    await received(listener, 3);
    await listener.flush();
    const page = await store.page('room', 10);
    expect(page.events.map((s) => s.event.message)).to.deep.equal(['first', 'second', 'unordered']);
    expect(listener.stats().badOrders).to.equal(1);
  });

  it('two tabs writing the same room store each event once', async () => {
    const logs = MemoryEventLog.connected(2);
    const presences = MemoryPresence.connected(2);
    const otherDb = await openChatDatabase({ name: NAME });
    const tabs = [0, 1].map((i) => {
      const hub = new Hub({
        chatroomId: 'room',
        log: logs[i] as MemoryEventLog,
        presence: presences[i] as MemoryPresence,
      });
      const listener = new PersistentListener(new IdbEventStore(i === 0 ? db : otherDb));
      hub.attachListener(listener);
      return { hub, listener };
    });
    const [a, b] = tabs as [(typeof tabs)[0], (typeof tabs)[0]];
    a.hub.add('alice', 'tab-a');
    b.hub.add('bob', 'tab-b');
    for (let i = 0; i < 20; i += 1) (i % 2 ? a : b).hub.message(i % 2 ? 'alice' : 'bob', `m${i}`);
    // Each tab derives the same 22 events (2 joins, 20 messages) once replication settles.
    await received(a.listener, 22);
    await received(b.listener, 22);
    await a.listener.flush();
    await b.listener.flush();
    expect(a.listener.stats().received).to.equal(22);
    expect(b.listener.stats().received).to.equal(22);
    const store = new IdbEventStore(db);
    expect(await store.count('room')).to.equal(22);
    const total = a.listener.stats().stored + b.listener.stats().stored;
    const duplicates = a.listener.stats().duplicates + b.listener.stats().duplicates;
    expect([total, duplicates]).to.deep.equal([22, 22]);
    otherDb.close();
  });

  it('waits maxDelayMs for company, but pagehide and flush() write at once', async () => {
    const store = new MemoryEventStore();
    const hub = newHub();
    const listener = new PersistentListener(store, { maxDelayMs: 60_000 });
    hub.attachListener(listener);
    hub.message('u1', 'one');
    await received(listener, 1);
    expect(await store.count('room')).to.equal(0);
    expect(listener.backlog).to.equal(1);
    window.dispatchEvent(new PageTransitionEvent('pagehide'));
    // No flush() here: only the pagehide handler can have started this write.
    await poll(() => listener.stats().stored === 1, 'the write the pagehide handler started');
    expect(await store.count('room')).to.equal(1);
    hub.message('u1', 'two');
    await received(listener, 2);
    expect(await store.count('room')).to.equal(1);
    await listener.flush();
    expect(await store.count('room')).to.equal(2);
    await listener.destroy();
  });

  it('destroy writes what is left, stops listening to the page, and is idempotent', async () => {
    const listener = new PersistentListener(new MemoryEventStore(), { maxDelayMs: 60_000 });
    let flushes = 0;
    const flush = listener.flush.bind(listener);
    listener.flush = () => {
      flushes += 1;
      return flush();
    };
    window.dispatchEvent(new PageTransitionEvent('pagehide'));
    expect(flushes).to.equal(1);
    const hub = newHub();
    hub.attachListener(listener);
    hub.message('u1', 'last words');
    await received(listener, 1);
    await listener.destroy();
    await listener.destroy();
    expect(listener.stats().stored).to.equal(1);
    const afterDestroy = flushes;
    window.dispatchEvent(new PageTransitionEvent('pagehide'));
    expect(flushes).to.equal(afterDestroy);
    hub.message('u1', 'ignored');
    expect(listener.receive([])).to.equal(undefined);
  });
});
