import { expect } from '@esm-bundle/chai';
import * as Y from 'yjs';
import { IdbUpdateStore } from './IdbUpdateStore';
import { YjsPersistence } from './YjsPersistence';
import { poll } from '../testkit/waitFor';
import { WatchedUpdateStore, PersistenceRoom, setMany } from '../testkit/storage/updateStores';

describe('YjsPersistence: tabs, loading and destroying', () => {
  let r: PersistenceRoom;
  beforeEach(() => {
    r = new PersistenceRoom();
  });
  afterEach(() => r.remove());

  it('two tabs of one room: one writes, the other only reads; nothing is stored twice', async () => {
    const a = await r.open();
    const b = await r.open();
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
    expect(await r.storedCount()).to.equal(20);
  });

  it('without a lock both tabs write everything: the control for the test above', async () => {
    const a = await r.open(new Y.Doc(), { locks: null });
    const b = await r.open(new Y.Doc(), { locks: null });
    a.doc.on('update', (u: Uint8Array, origin: unknown) => {
      if (origin !== 'tab-b') Y.applyUpdate(b.doc, u, 'tab-a');
    });
    for (let i = 0; i < 10; i += 1) {
      a.doc.getMap('messages').set(`k${i}`, i);
      await a.flush();
      await b.flush();
    }
    expect(await r.storedCount()).to.equal(20);
  });

  it('when the writer tab goes, the next one takes over and writes what the store lacks', async () => {
    const a = await r.open();
    const b = await r.open();
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
    const c = await r.open();
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

  it('destroy is idempotent and follows the doc being destroyed', async () => {
    const doc = new Y.Doc();
    const persistence = await r.open(doc);
    doc.getMap('messages').set('k', 1);
    doc.destroy();
    await persistence.destroy();
    await persistence.destroy();
    expect(persistence.isWriter).to.equal(false);
    const reloaded = await r.open();
    expect(reloaded.doc.getMap('messages').get('k')).to.equal(1);
    // The lock went with it: the next instance writes.
    expect(reloaded.isWriter).to.equal(true);
  });

  it('applies the stored state only after applyAfter, keeping edits made meanwhile', async () => {
    const first = await r.open();
    setMany(first.doc, 10, 'old');
    await first.destroy();

    let allow: () => void = () => undefined;
    const doc = new Y.Doc();
    const store = new WatchedUpdateStore(new IdbUpdateStore(r.room));
    const persistence = new YjsPersistence(r.room, doc, {
      store,
      applyAfter: new Promise<void>((resolve) => (allow = resolve)),
    });
    r.track(persistence);
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

    const reloaded = await r.open();
    expect(reloaded.doc.getMap('messages').get('new')).to.deep.equal({
      m: 'written while waiting',
    });
    expect(reloaded.doc.getMap('messages').size).to.equal(11);
  });

  it('is destroyed without waiting for an applyAfter that never settles', async () => {
    const doc = new Y.Doc();
    const persistence = new YjsPersistence(r.room, doc, { applyAfter: new Promise(() => {}) });
    r.track(persistence);
    doc.getMap('messages').set('k', 1);
    await persistence.destroy();
    const reloaded = await r.open();
    expect(reloaded.doc.getMap('messages').get('k')).to.equal(1);
  });

  it('lets other listeners of the doc see the stored state arrive', async () => {
    const first = await r.open();
    setMany(first.doc, 3);
    await first.destroy();
    const doc = new Y.Doc();
    const seen: unknown[] = [];
    doc.on('update', (_update: Uint8Array, origin: unknown) => seen.push(origin));
    const reloaded = await r.open(doc);
    expect(seen).to.deep.equal([reloaded]);
    // And its own listener is back: later edits are stored.
    doc.getMap('messages').set('after', 1);
    await reloaded.flush();
    await reloaded.destroy();
    expect((await r.open()).doc.getMap('messages').get('after')).to.equal(1);
  });
});
