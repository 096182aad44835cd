import { expect } from '@esm-bundle/chai';
import * as Y from 'yjs';
import { StorageUnavailableError } from './errors';
import { IdbUpdateStore } from './IdbUpdateStore';
import { StorageHealth } from './StorageHealth';
import { ManualTime } from '../testkit/ManualTime';
import {
  FailingUpdateStore,
  FlakyUpdateStore,
  PersistenceRoom,
} from '../testkit/storage/updateStores';

describe('YjsPersistence: storage failures', () => {
  let r: PersistenceRoom;
  beforeEach(() => {
    r = new PersistenceRoom();
  });
  afterEach(() => r.remove());

  it('on QuotaExceededError reports degraded health and goes on in memory, throwing nothing', async () => {
    const health = new StorageHealth();
    const time = new ManualTime();
    const quota = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    const store = new FailingUpdateStore(new IdbUpdateStore(r.room), quota);
    const persistence = await r.open(new Y.Doc(), { store, health, retry: { after: time.after } });
    persistence.doc.getMap('messages').set('k', 1);
    await persistence.flush();
    expect(health.status.state).to.equal('degraded');
    expect(health.status.state === 'degraded' && health.status.kind).to.equal('quota');
    // Still the writer: it keeps what it could not write, and tries again later.
    expect(persistence.isWriter).to.equal(true);
    persistence.doc.getMap('messages').set('k2', 2);
    await persistence.flush();
    expect(persistence.unsaved).to.equal(2);
    expect(persistence.doc.getMap('messages').toJSON()).to.deep.equal({ k: 1, k2: 2 });
    expect(health.failures).to.equal(1); // the second update waited for the retry
    expect(time.pending).to.equal(1);
  });

  it('keeps what a transient failure could not write and writes it once storage works again', async () => {
    const health = new StorageHealth();
    const states: string[] = [];
    health.subscribe((status) => states.push(status.state));
    const time = new ManualTime();
    const store = new FlakyUpdateStore(new IdbUpdateStore(r.room));
    const doc = new Y.Doc();
    const messages = doc.getMap<number>('messages');
    const persistence = await r.open(doc, { store, health, retry: { after: time.after } });
    messages.set('a', 1);
    await persistence.flush();
    expect(store.appends).to.equal(1);

    store.failing = 3; // the disk is full for the next three tries
    messages.set('b', 2);
    await persistence.flush();
    expect(health.ok).to.equal(false);
    messages.set('c', 3); // while it fails: kept, and no write before the retry is due
    await persistence.flush();
    expect(store.appends).to.equal(2);
    expect(persistence.unsaved).to.equal(2);
    // The waits double: 1 s, then 2 s, then 4 s; the third retry finds room again.
    await time.advance(999);
    expect(store.appends).to.equal(2);
    await time.advance(1);
    await persistence.flush();
    expect(store.appends).to.equal(3);
    await time.advance(2000);
    await persistence.flush();
    expect(store.appends).to.equal(4);
    messages.set('d', 4);
    await time.advance(4000);
    await persistence.flush();
    expect(store.appends).to.equal(5);
    expect(persistence.unsaved).to.equal(0);
    // The warning showed only while writes failed.
    expect(health.ok).to.equal(true);
    expect(states).to.deep.equal(['degraded', 'ok']);
    expect(time.pending).to.equal(0);

    // Everything the doc held is on disk: a fresh load gives the same state.
    const reader = new IdbUpdateStore(r.room);
    const stored = await reader.load();
    reader.close();
    const fresh = new Y.Doc();
    for (const update of stored.updates) Y.applyUpdate(fresh, update);
    expect(fresh.getMap('messages').toJSON()).to.deep.equal({ a: 1, b: 2, c: 3, d: 4 });

    // After a success, the next failure waits the first wait again.
    store.failing = 1;
    messages.set('e', 5);
    await persistence.flush();
    await time.advance(1000);
    await persistence.flush();
    expect(persistence.unsaved).to.equal(0);
    expect(states).to.deep.equal(['degraded', 'ok', 'degraded', 'ok']);
  });

  it('with IndexedDB unavailable, whenSynced still resolves and health says why', async () => {
    const health = new StorageHealth();
    const missing = new StorageUnavailableError(
      'IndexedDB is not available in this browser context',
    );
    const store = new FailingUpdateStore(new IdbUpdateStore(r.room), missing, missing);
    const persistence = await r.open(new Y.Doc(), { store, health });
    expect(persistence.synced).to.equal(true);
    expect(health.status.state === 'degraded' && health.status.kind).to.equal('unavailable');
    persistence.doc.getMap('messages').set('k', 1);
    await persistence.flush();
    expect(persistence.doc.getMap('messages').get('k')).to.equal(1);
  });
});
