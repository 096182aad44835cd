import { expect } from '@esm-bundle/chai';
import { deleteDB } from 'idb';
import { openChatDatabase, type ChatDatabase } from './ChatDatabase';
import { InvalidArgumentError } from './errors';
import { eventStoreContract, message, readAll } from './eventStoreContract';
import type { StoredEvent } from './EventStore';
import { FaultyEventStore } from '../testkit/storage/FaultyEventStore';
import { IdbEventStore } from './IdbEventStore';
import { ResilientEventStore } from './ResilientEventStore';
import { idbHarness } from '../testkit/storage/idbTestHarness';
import { poll } from '../testkit/waitFor';
import { StorageHealth, type StorageStatus } from './StorageHealth';
import { ManualTime } from '../testkit/ManualTime';

const NAME = 'meshchat-test-resilient';

eventStoreContract(
  'ResilientEventStore over IndexedDB',
  idbHarness(NAME, (db) => new ResilientEventStore(new IdbEventStore(db), new StorageHealth())),
);

eventStoreContract('ResilientEventStore without IndexedDB (memory only)', () => {
  let store = new ResilientEventStore(undefined, new StorageHealth());
  return {
    open: () => {
      store = new ResilientEventStore(undefined, new StorageHealth());
      return Promise.resolve(store);
    },
    reopen: () => Promise.resolve(store),
    cleanup: () => Promise.resolve(store.destroy()),
  };
});

describe('ResilientEventStore failures', () => {
  let db: ChatDatabase;
  let faulty: FaultyEventStore;
  let health: StorageHealth;
  let store: ResilientEventStore;
  let changes: StorageStatus[];
  let time: ManualTime;

  beforeEach(async () => {
    await deleteDB(NAME);
    db = await openChatDatabase({ name: NAME });
    faulty = new FaultyEventStore(new IdbEventStore(db));
    health = new StorageHealth();
    changes = [];
    health.subscribe((status) => changes.push(status));
    time = new ManualTime();
    store = new ResilientEventStore(faulty, health, { retry: { after: time.after } });
  });
  afterEach(async () => {
    store.destroy();
    db.close();
    await deleteDB(NAME);
  });

  it('on QuotaExceededError keeps new events in memory and merges them with those on disk', async () => {
    await store.put([message('r', 1), message('r', 4), message('r', 6)]);
    expect(health.ok).to.equal(true);
    faulty.failWrites = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    const result = await store.put([message('r', 2), message('r', 5), message('r', 7, 'bob')]);
    expect(result).to.deep.equal({ stored: 3, duplicates: 0 });
    expect(store.inMemory).to.equal(true);
    const status = health.status;
    if (status.state !== 'degraded') throw new Error('health should be degraded');
    expect(status.kind).to.equal('quota');
    expect(status.message).to.match(/storage is full/i);
    expect((status.error as DOMException).name).to.equal('QuotaExceededError');
    expect(changes).to.have.length(1);
    // Later writes go straight to memory: the disk is not tried again before the retry.
    const putsBefore = faulty.puts;
    await store.put([message('r', 3), message('r', 1)]);
    expect(faulty.puts).to.equal(putsBefore);
    const all = await readAll(store, 'r', 2);
    expect(all.map((s) => s.order)).to.deep.equal([1, 2, 3, 4, 5, 6, 7]);
    expect(await store.count('r')).to.equal(8); // m1 is on disk and, put again, in memory
    expect(await store.countMessagesAfter('r', 3, 'bob')).to.equal(3);
    expect(health.failures).to.equal(1);
  });

  it('on InvalidStateError (connection closed) answers from memory alone', async () => {
    await store.put([message('r', 1)]);
    db.close();
    await store.put([message('r', 2)]);
    const status = health.status;
    if (status.state !== 'degraded') throw new Error('health should be degraded');
    expect(status.kind).to.equal('closed');
    const page = await store.page('r', 10);
    expect(page.events.map((s) => s.order)).to.deep.equal([2]);
    expect(await store.count('r')).to.equal(1);
  });

  it('writes what it kept in memory once the disk works again, and the warning goes', async () => {
    await store.put([message('r', 1)]);
    await store.redact('r', []); // a no-op redaction before the failure
    faulty.failWrites = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    await store.put([message('r', 2), message('r', 3)]);
    await store.redact('r', ['m1']);
    await store.revise('r', [['m2', 'edited while the disk was full']]);
    await store.put([message('other', 4)]);
    expect(store.inMemory).to.equal(true);
    expect(store.unsavedWrites).to.equal(4);
    // What the user sees (the history) is whole while the disk fails.
    expect((await readAll(store, 'r', 10)).map((s) => s.order)).to.deep.equal([1, 2, 3]);
    // The first retry (after 1 s) still finds the disk full: nothing is lost, it waits 2 s.
    await time.advance(1000);
    expect(store.unsavedWrites).to.equal(4);
    expect(health.ok).to.equal(false);
    faulty.failWrites = undefined;
    await time.advance(2000);
    await poll(() => store.unsavedWrites === 0 && !store.inMemory);
    expect(health.ok).to.equal(true);
    expect(changes.map((status) => status.state)).to.deep.equal(['degraded', 'ok']);
    // Everything is on the disk itself, the redaction and edit too: a second store agrees.
    const disk = new IdbEventStore(db);
    const onDisk = await readAll(disk, 'r', 10);
    expect(onDisk.map((s) => s.order)).to.deep.equal([1, 2, 3]);
    expect(onDisk[0]?.event.message ?? '').to.equal('');
    expect(onDisk[1]?.event.message).to.equal('edited while the disk was full');
    expect(await disk.count('other')).to.equal(1);
    // Writes go to the disk again.
    const putsBefore = faulty.puts;
    await store.put([message('r', 5)]);
    expect(faulty.puts).to.equal(putsBefore + 1);
    expect(await disk.count('r')).to.equal(4);
    expect(time.pending).to.equal(0);
  });

  it('still refuses misuse with a typed error, without degrading', async () => {
    const bad = { order: 1, event: { id: '' } } as unknown as StoredEvent;
    let error: unknown;
    try {
      await store.put([bad]);
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(InvalidArgumentError);
    expect(health.ok).to.equal(true);
  });

  it('a throwing status subscriber does not break reporting', async () => {
    health.subscribe(() => {
      throw new Error('broken UI');
    });
    faulty.failWrites = new DOMException('full', 'QuotaExceededError');
    await store.put([message('r', 1)]);
    expect(health.ok).to.equal(false);
    expect(changes).to.have.length(1);
  });
});
