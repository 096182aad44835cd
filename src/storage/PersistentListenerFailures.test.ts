import { expect } from '@esm-bundle/chai';
import { Hub } from '../hub/Hub';
import { MemoryEventLog } from '../hub/MemoryEventLog';
import { MemoryPresence } from '../hub/MemoryPresence';
import type { ChatDatabase } from './ChatDatabase';
import type { HistoryPage } from './EventStore';
import { freshDatabase } from '../testkit/storage/idbTestHarness';
import { FaultyEventStore } from '../testkit/storage/FaultyEventStore';
import { IdbEventStore } from './IdbEventStore';
import { MemoryEventStore } from './MemoryEventStore';
import { PersistentListener } from './PersistentListener';
import { ResilientEventStore } from './ResilientEventStore';
import { StorageHealth } from './StorageHealth';
import { NAME, received, newHub, HangingStore } from '../testkit/storage/listenerStores';

describe('PersistentListener: slow and failing stores', () => {
  const database = freshDatabase(NAME);
  let db: ChatDatabase;
  beforeEach(() => {
    db = database();
  });

  it('never stalls the hub: a write that never finishes leaves the hub and sessions running', async () => {
    const hanging = new HangingStore();
    const hub = newHub();
    const listener = new PersistentListener(hanging, { highWater: 10, maxBatch: 5 });
    hub.attachListener(listener);
    const stream = hub.add('u1', 's1');
    for (let i = 0; i < 500; i += 1) hub.message('u1', `m${i}`);
    await received(listener, 10);
    expect(stream.take()).to.have.length(501);
    expect(hub.stats().listenerErrors).to.equal(0);
    expect(hanging.puts).to.equal(1);
    expect(listener.backlog).to.be.at.least(10);
  });

  it('on QuotaExceededError reports degraded health, throws nothing to the hub, still answers', async () => {
    const faulty = new FaultyEventStore(new IdbEventStore(db));
    const health = new StorageHealth();
    const store = new ResilientEventStore(faulty, health);
    const errors: unknown[] = [];
    const hub = new Hub({
      chatroomId: 'room',
      log: new MemoryEventLog(),
      presence: new MemoryPresence(),
      onListenerError: (error) => errors.push(error),
    });
    const listener = new PersistentListener(store, { onError: (error) => errors.push(error) });
    hub.attachListener(listener);
    hub.message('u1', 'saved');
    await received(listener, 1);
    await listener.flush();
    faulty.failWrites = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    hub.message('u1', 'kept in memory');
    hub.message('u1', 'also in memory');
    await received(listener, 3);
    await listener.flush();
    expect(errors).to.deep.equal([]);
    expect(hub.stats().listenerErrors).to.equal(0);
    expect(listener.stats().lost).to.equal(0);
    expect(health.status.state).to.equal('degraded');
    const page: HistoryPage = await store.page('room', 50);
    expect(page.events.map((s) => s.event.message)).to.deep.equal([
      'saved',
      'kept in memory',
      'also in memory',
    ]);
  });

  it('a failing store is reported to onError and counted, never thrown into the hub', async () => {
    const failing = new FaultyEventStore(new MemoryEventStore());
    failing.failWrites = new DOMException('gone', 'InvalidStateError');
    const errors: unknown[] = [];
    const hub = newHub();
    const listener = new PersistentListener(failing, { onError: (error) => errors.push(error) });
    hub.attachListener(listener);
    hub.message('u1', 'lost');
    await received(listener, 1);
    await listener.flush();
    expect(listener.stats().lost).to.equal(1);
    expect(errors).to.have.length(1);
    expect(hub.stats().listenerErrors).to.equal(0);
  });
});
