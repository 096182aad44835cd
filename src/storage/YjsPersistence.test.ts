import { expect } from '@esm-bundle/chai';
import { deleteDB } from 'idb';
import * as Y from 'yjs';
import { StorageUnavailableError } from './errors';
import { IdbUpdateStore, yjsDatabaseName } from './IdbUpdateStore';
import { StorageHealth } from './StorageHealth';
import type { CompactionMode, StoredUpdates, UpdateStore } from './UpdateStore';
import { YjsPersistence } from './YjsPersistence';
import type { YjsPersistenceOptions } from './YjsPersistenceOptions';
import { poll } from '../testkit/waitFor';
import { ManualTime } from '../testkit/ManualTime';

let serial = 0;

/** An UpdateStore that fails the way a full disk or a missing IndexedDB does. */
class FailingUpdateStore implements UpdateStore {
  constructor(
    private readonly inner: UpdateStore,
    readonly failAppend: Error,
    readonly failLoad?: Error,
  ) {}
  async load(): Promise<StoredUpdates> {
    if (this.failLoad !== undefined) throw this.failLoad;
    return this.inner.load();
  }
  async append(): Promise<number> {
    await Promise.resolve();
    throw this.failAppend;
  }
  compact(mode: CompactionMode): Promise<void> {
    return this.inner.compact(mode);
  }
  replaceWith(state: Uint8Array): Promise<void> {
    return this.inner.replaceWith(state);
  }
  count(): Promise<number> {
    return this.inner.count();
  }
  close(): void {
    this.inner.close();
  }
}

/**
 * Real IndexedDB underneath, with appends that fail while told to, as a full disk does until
 * space is freed.
 */
class FlakyUpdateStore implements UpdateStore {
  /** How many of the next appends fail. */
  failing = 0;
  /** Appends tried, failed ones included. */
  appends = 0;
  constructor(private readonly inner: UpdateStore) {}
  load(): Promise<StoredUpdates> {
    return this.inner.load();
  }
  async append(updates: readonly Uint8Array[]): Promise<number> {
    this.appends += 1;
    if (this.failing > 0) {
      this.failing -= 1;
      await Promise.resolve();
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    }
    return this.inner.append(updates);
  }
  compact(mode: CompactionMode): Promise<void> {
    return this.inner.compact(mode);
  }
  replaceWith(state: Uint8Array): Promise<void> {
    return this.inner.replaceWith(state);
  }
  count(): Promise<number> {
    return this.inner.count();
  }
  close(): void {
    this.inner.close();
  }
}

/** An UpdateStore that says when a load has returned. */
class WatchedUpdateStore implements UpdateStore {
  private loadedOnce: () => void = () => undefined;
  /** Settles once the first load has returned. */
  readonly firstLoad = new Promise<void>((resolve) => (this.loadedOnce = resolve));
  constructor(private readonly inner: UpdateStore) {}
  async load(): Promise<StoredUpdates> {
    const stored = await this.inner.load();
    this.loadedOnce();
    return stored;
  }
  append(updates: readonly Uint8Array[]): Promise<number> {
    return this.inner.append(updates);
  }
  compact(mode: CompactionMode): Promise<void> {
    return this.inner.compact(mode);
  }
  replaceWith(state: Uint8Array): Promise<void> {
    return this.inner.replaceWith(state);
  }
  count(): Promise<number> {
    return this.inner.count();
  }
  close(): void {
    this.inner.close();
  }
}

describe('YjsPersistence', () => {
  let room: string;
  let made: YjsPersistence[];

  const open = async (
    doc = new Y.Doc(),
    options: YjsPersistenceOptions = {},
  ): Promise<YjsPersistence> => {
    const persistence = new YjsPersistence(room, doc, options);
    made.push(persistence);
    return persistence.whenSynced;
  };
  const storedCount = async (): Promise<number> => {
    const store = new IdbUpdateStore(room);
    const count = await store.count();
    store.close();
    return count;
  };
  const setMany = (doc: Y.Doc, count: number, prefix = 'k'): void => {
    for (let i = 0; i < count; i += 1)
      doc.getMap('messages').set(`${prefix}${i}`, { m: `text ${i}` });
  };

  beforeEach(() => {
    serial += 1;
    room = `yjs-test-${serial}-${Date.now()}`;
    made = [];
  });
  afterEach(async () => {
    await Promise.all(made.map((p) => p.destroy()));
    await deleteDB(yjsDatabaseName(room));
  });

  it('resumes the same state after a reload, and loading writes nothing', async () => {
    const first = await open();
    expect(first.synced).to.equal(true);
    expect(first.isWriter).to.equal(true);
    setMany(first.doc, 30);
    first.doc.getText('notes').insert(0, 'hello');
    first.doc.getMap('messages').delete('k3');
    await first.flush();
    await first.destroy();
    const records = await storedCount();
    expect(records).to.be.greaterThan(0);

    const second = await open();
    expect(second.doc.getMap('messages').toJSON()).to.deep.equal(
      first.doc.getMap('messages').toJSON(),
    );
    expect(second.doc.getText('notes').toJSON()).to.equal('hello');
    expect(Y.encodeStateVector(second.doc)).to.deep.equal(Y.encodeStateVector(first.doc));
    await second.flush();
    expect(await storedCount()).to.equal(records);
  });

  it('persists updates from peers (any origin but its own load)', async () => {
    const mine = await open();
    const peer = new Y.Doc();
    peer.on('update', (update: Uint8Array) => Y.applyUpdate(mine.doc, update, 'webrtc-peer'));
    setMany(peer, 5, 'peer');
    await mine.flush();
    await mine.destroy();
    const reloaded = await open();
    expect(reloaded.doc.getMap('messages').toJSON()).to.deep.equal(
      peer.getMap('messages').toJSON(),
    );
  });

  it('compacts past compactAfter into one merged update, the state unchanged', async () => {
    const persistence = await open(new Y.Doc(), { compactAfter: 20 });
    for (let i = 0; i < 100; i += 1) {
      persistence.doc.getMap('messages').set(`k${i}`, i);
      await persistence.flush();
    }
    expect(persistence.stats().written).to.equal(100);
    expect(persistence.stats().compactions).to.be.at.least(4);
    expect(await storedCount()).to.be.below(20);
    await persistence.compact();
    expect(await storedCount()).to.equal(1);
    const state = persistence.doc.getMap('messages').toJSON();
    await persistence.destroy();
    const reloaded = await open();
    expect(reloaded.doc.getMap('messages').toJSON()).to.deep.equal(state);
    expect(Object.keys(state)).to.have.length(100);
  });

  it('rewrites the store from its doc: deleted content leaves storage, nothing else', async () => {
    const persistence = await open();
    for (let i = 0; i < 200; i += 1)
      persistence.doc.getMap('messages').set(`k${i}`, { m: 'x'.repeat(100) });
    await persistence.flush();
    persistence.doc.transact(() => {
      for (let i = 0; i < 150; i += 1) persistence.doc.getMap('messages').delete(`k${i}`);
    });
    await persistence.flush();
    const storedBytes = async (): Promise<number> => {
      const store = new IdbUpdateStore(room);
      const { updates } = await store.load();
      store.close();
      return updates.reduce((sum, update) => sum + update.length, 0);
    };
    const before = await storedBytes();
    const rewriting = persistence.rewrite();
    // Written as the rewrite starts: kept, whether the state or a later append holds it.
    persistence.doc.getMap('messages').set('late', { m: 'kept' });
    await rewriting;
    expect(persistence.stats().compactions).to.equal(1);
    await persistence.flush();
    const after = await storedBytes();
    expect(after, `${after} B stored, ${before} B before`).to.be.below(before / 2);
    const state = persistence.doc.getMap('messages').toJSON();
    await persistence.destroy();
    const reloaded = await open();
    expect(reloaded.doc.getMap('messages').toJSON()).to.deep.equal(state);
    expect(Object.keys(state)).to.have.length(51);
  });

  it('merges small updates that arrive during a write into one record (group commit)', async () => {
    const persistence = await open();
    for (let i = 0; i < 50; i += 1) persistence.doc.getMap('messages').set(`k${i}`, i);
    await persistence.flush();
    expect(persistence.stats().written).to.equal(50);
    expect(persistence.stats().writes).to.equal(2);
    expect(await storedCount()).to.equal(2);
  });

  it('two tabs of one room: one writes, the other only reads; nothing is stored twice', async () => {
    const a = await open();
    const b = await open();
    expect([a.isWriter, b.isWriter]).to.deep.equal([true, false]);
    // Link the two docs as y-webrtc's BroadcastChannel links two tabs.
    a.doc.on('update', (u: Uint8Array, origin: unknown) => {
      if (origin !== 'tab-b') Y.applyUpdate(b.doc, u, 'tab-a');
    });
    b.doc.on('update', (u: Uint8Array, origin: unknown) => {
      if (origin !== 'tab-a') Y.applyUpdate(a.doc, u, 'tab-b');
    });
    for (let i = 0; i < 20; i += 1) {
      (i % 2 ? a : b).doc.getMap('messages').set(`k${i}`, i);
      await a.flush();
      await b.flush();
    }
    expect(a.stats().written).to.equal(20);
    expect(b.stats().written).to.equal(0);
    expect(b.stats().writes).to.equal(0);
    expect(await storedCount()).to.equal(20);
  });

  it('without a lock both tabs write everything: the control for the test above', async () => {
    const a = await open(new Y.Doc(), { locks: null });
    const b = await open(new Y.Doc(), { locks: null });
    a.doc.on('update', (u: Uint8Array, origin: unknown) => {
      if (origin !== 'tab-b') Y.applyUpdate(b.doc, u, 'tab-a');
    });
    for (let i = 0; i < 10; i += 1) {
      a.doc.getMap('messages').set(`k${i}`, i);
      await a.flush();
      await b.flush();
    }
    expect(await storedCount()).to.equal(20);
  });

  it('when the writer tab goes, the next one takes over and writes what the store lacks', async () => {
    const a = await open();
    const b = await open();
    setMany(a.doc, 3, 'a');
    // B sees something A never got (no link between them at all).
    setMany(b.doc, 4, 'b');
    await a.flush();
    expect(b.isWriter).to.equal(false);
    await a.destroy();
    // The lock is granted by the browser, which tells nobody else: poll.
    await poll(() => b.isWriter, 'tab B to become the writer');
    await b.flush();
    expect(b.stats().written).to.equal(1);
    // B applied what A had stored when it took over: it now holds both.
    expect(Object.keys(b.doc.getMap('messages').toJSON())).to.have.length(7);
    await b.destroy();
    const c = await open();
    expect(Object.keys(c.doc.getMap('messages').toJSON()).sort()).to.deep.equal([
      'a0',
      'a1',
      'a2',
      'b0',
      'b1',
      'b2',
      'b3',
    ]);
  });

  it('on QuotaExceededError reports degraded health and goes on in memory, throwing nothing', async () => {
    const health = new StorageHealth();
    const time = new ManualTime();
    const quota = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    const store = new FailingUpdateStore(new IdbUpdateStore(room), quota);
    const persistence = await open(new Y.Doc(), { store, health, retry: { after: time.after } });
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
    const store = new FlakyUpdateStore(new IdbUpdateStore(room));
    const doc = new Y.Doc();
    const messages = doc.getMap<number>('messages');
    const persistence = await open(doc, { store, health, retry: { after: time.after } });
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
    const reader = new IdbUpdateStore(room);
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
    const store = new FailingUpdateStore(new IdbUpdateStore(room), missing, missing);
    const persistence = await open(new Y.Doc(), { store, health });
    expect(persistence.synced).to.equal(true);
    expect(health.status.state === 'degraded' && health.status.kind).to.equal('unavailable');
    persistence.doc.getMap('messages').set('k', 1);
    await persistence.flush();
    expect(persistence.doc.getMap('messages').get('k')).to.equal(1);
  });

  it('destroy is idempotent and follows the doc being destroyed', async () => {
    const doc = new Y.Doc();
    const persistence = await open(doc);
    doc.getMap('messages').set('k', 1);
    doc.destroy();
    await persistence.destroy();
    await persistence.destroy();
    expect(persistence.isWriter).to.equal(false);
    const reloaded = await open();
    expect(reloaded.doc.getMap('messages').get('k')).to.equal(1);
    // The lock went with it: the next instance writes.
    expect(reloaded.isWriter).to.equal(true);
  });

  it('applies the stored state only after applyAfter, keeping edits made meanwhile', async () => {
    const first = await open();
    setMany(first.doc, 10, 'old');
    await first.destroy();

    let allow: () => void = () => undefined;
    const doc = new Y.Doc();
    const store = new WatchedUpdateStore(new IdbUpdateStore(room));
    const persistence = new YjsPersistence(room, doc, {
      store,
      applyAfter: new Promise<void>((resolve) => (allow = resolve)),
    });
    made.push(persistence);
    // The stored state has been read, and every microtask queued since has run: still not
    // applied.
    await store.firstLoad;
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(persistence.synced).to.equal(false);
    expect(doc.getMap('messages').size).to.equal(0);
    doc.getMap('messages').set('new', { m: 'written while waiting' });
    allow();
    await persistence.whenSynced;
    expect(doc.getMap('messages').size).to.equal(11);
    await persistence.destroy();

    const reloaded = await open();
    expect(reloaded.doc.getMap('messages').get('new')).to.deep.equal({
      m: 'written while waiting',
    });
    expect(reloaded.doc.getMap('messages').size).to.equal(11);
  });

  it('is destroyed without waiting for an applyAfter that never settles', async () => {
    const doc = new Y.Doc();
    const persistence = new YjsPersistence(room, doc, { applyAfter: new Promise(() => {}) });
    made.push(persistence);
    doc.getMap('messages').set('k', 1);
    await persistence.destroy();
    const reloaded = await open();
    expect(reloaded.doc.getMap('messages').get('k')).to.equal(1);
  });

  it('lets other listeners of the doc see the stored state arrive', async () => {
    const first = await open();
    setMany(first.doc, 3);
    await first.destroy();
    const doc = new Y.Doc();
    const seen: unknown[] = [];
    doc.on('update', (_update: Uint8Array, origin: unknown) => seen.push(origin));
    const reloaded = await open(doc);
    expect(seen).to.deep.equal([reloaded]);
    // And its own listener is back: later edits are stored.
    doc.getMap('messages').set('after', 1);
    await reloaded.flush();
    await reloaded.destroy();
    expect((await open()).doc.getMap('messages').get('after')).to.equal(1);
  });

  it('reloads a room of 100,000 log entries (reports timings, asserts only the state)', async function () {
    this.timeout(120_000);
    const first = await open();
    const messages = first.doc.getMap('messages');
    const userId = 'u'.repeat(43);
    const signature = 's'.repeat(86);
    const buildStart = performance.now();
    // Entries shaped like the log's (schema v1), 1,000 per transaction as a sync delivers them.
    for (let start = 0; start < 100_000; start += 1000) {
      first.doc.transact(() => {
        for (let i = start; i < start + 1000; i += 1) {
          const t = 1_700_000_000_000 + i;
          messages.set(`entry-${i.toString().padStart(8, '0')}`, {
            v: 1,
            u: userId,
            t,
            c: t,
            m: `message number ${i}`,
            g: signature,
          });
        }
      });
    }
    const buildMs = performance.now() - buildStart;
    const writeStart = performance.now();
    await first.flush();
    await first.compact();
    const writeMs = performance.now() - writeStart;
    await first.destroy();
    const bytes = (await new IdbUpdateStore(room).load()).updates.reduce(
      (sum, u) => sum + u.length,
      0,
    );
    const loadStart = performance.now();
    const second = await open();
    const loadMs = performance.now() - loadStart;
    console.log(
      `[storage timing] Yjs room of 100k entries: build ${buildMs.toFixed(0)} ms; write + compact ` +
        `${writeMs.toFixed(0)} ms (${(bytes / 1e6).toFixed(1)} MB stored); reload to whenSynced ${loadMs.toFixed(0)} ms`,
    );
    expect(second.doc.getMap('messages').size).to.equal(100_000);
    expect(await storedCount()).to.equal(1);
  });
});
