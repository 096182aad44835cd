import { expect } from '@esm-bundle/chai';
import * as Y from 'yjs';
import { IdbUpdateStore } from './IdbUpdateStore';
import { PersistenceRoom, setMany } from '../testkit/storage/updateStores';

describe('YjsPersistence', () => {
  let r: PersistenceRoom;
  beforeEach(() => {
    r = new PersistenceRoom();
  });
  afterEach(() => r.remove());

  it('resumes the same state after a reload, and loading writes nothing', async () => {
    const first = await r.open();
    expect(first.synced).to.equal(true);
    expect(first.isWriter).to.equal(true);
    setMany(first.doc, 30);
    first.doc.getText('notes').insert(0, 'hello');
    first.doc.getMap('messages').delete('k3');
    await first.flush();
    await first.destroy();
    const records = await r.storedCount();
    expect(records).to.be.greaterThan(0);

    const second = await r.open();
    expect(second.doc.getMap('messages').toJSON()).to.deep.equal(
      first.doc.getMap('messages').toJSON(),
    );
    expect(second.doc.getText('notes').toJSON()).to.equal('hello');
    expect(Y.encodeStateVector(second.doc)).to.deep.equal(Y.encodeStateVector(first.doc));
    await second.flush();
    expect(await r.storedCount()).to.equal(records);
  });

  it('persists updates from peers (any origin but its own load)', async () => {
    const mine = await r.open();
    const peer = new Y.Doc();
    peer.on('update', (update: Uint8Array) => Y.applyUpdate(mine.doc, update, 'webrtc-peer'));
    setMany(peer, 5, 'peer');
    await mine.flush();
    await mine.destroy();
    const reloaded = await r.open();
    expect(reloaded.doc.getMap('messages').toJSON()).to.deep.equal(
      peer.getMap('messages').toJSON(),
    );
  });

  it('compacts past compactAfter into one merged update, the state unchanged', async () => {
    const persistence = await r.open(new Y.Doc(), { compactAfter: 20 });
    for (let i = 0; i < 100; i += 1) {
      persistence.doc.getMap('messages').set(`k${i}`, i);
      await persistence.flush();
    }
    expect(persistence.stats().written).to.equal(100);
    expect(persistence.stats().compactions).to.be.at.least(4);
    expect(await r.storedCount()).to.be.below(20);
    await persistence.compact();
    expect(await r.storedCount()).to.equal(1);
    const state = persistence.doc.getMap('messages').toJSON();
    await persistence.destroy();
    const reloaded = await r.open();
    expect(reloaded.doc.getMap('messages').toJSON()).to.deep.equal(state);
    expect(Object.keys(state)).to.have.length(100);
  });

  it('rewrites the store from its doc: deleted content leaves storage, nothing else', async () => {
    const persistence = await r.open();
    for (let i = 0; i < 200; i += 1)
      persistence.doc.getMap('messages').set(`k${i}`, { m: 'x'.repeat(100) });
    await persistence.flush();
    persistence.doc.transact(() => {
      for (let i = 0; i < 150; i += 1) persistence.doc.getMap('messages').delete(`k${i}`);
    });
    await persistence.flush();
    const storedBytes = async (): Promise<number> => {
      const store = new IdbUpdateStore(r.room);
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
    const reloaded = await r.open();
    expect(reloaded.doc.getMap('messages').toJSON()).to.deep.equal(state);
    expect(Object.keys(state)).to.have.length(51);
  });

  it('merges small updates that arrive during a write into one record (group commit)', async () => {
    const persistence = await r.open();
    for (let i = 0; i < 50; i += 1) persistence.doc.getMap('messages').set(`k${i}`, i);
    await persistence.flush();
    expect(persistence.stats().written).to.equal(50);
    expect(persistence.stats().writes).to.equal(2);
    expect(await r.storedCount()).to.equal(2);
  });

  it('reloads a room of 100,000 log entries (reports timings, asserts only the state)', async function () {
    this.timeout(120_000);
    const first = await r.open();
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
    const bytes = (await new IdbUpdateStore(r.room).load()).updates.reduce(
      (sum, u) => sum + u.length,
      0,
    );
    const loadStart = performance.now();
    const second = await r.open();
    const loadMs = performance.now() - loadStart;
    console.log(
      `[storage timing] Yjs room of 100k entries: build ${buildMs.toFixed(0)} ms; write + compact ` +
        `${writeMs.toFixed(0)} ms (${(bytes / 1e6).toFixed(1)} MB stored); reload to whenSynced ${loadMs.toFixed(0)} ms`,
    );
    expect(second.doc.getMap('messages').size).to.equal(100_000);
    expect(await r.storedCount()).to.equal(1);
  });
});
