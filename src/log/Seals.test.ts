import { expect } from '@esm-bundle/chai';
import * as Y from 'yjs';
import { until } from '../testkit/waitFor';
import { deleteEntries } from '../testkit/adversary/entryMaps';
import {
  ROOM,
  destroyTabs,
  link,
  linkedPair,
  onDoc,
  onLog,
  sealedWithReaction,
  tab,
  write,
} from '../testkit/log/sealTabs';
import { BATCHES_ROOT, SEALS_ROOT } from './schema';
import { sealSegment } from './Segment';

afterEach(destroyTabs);

describe('Sealing the live document', () => {
  it('seals the oldest entries into a segment; the document shrinks, no entry is lost', async () => {
    const alice = await tab({ liveLimit: 30, sealSize: 20 });
    const bob = await tab();
    link(alice.doc, bob.doc);
    await write(alice.log, alice.userId, 50);
    await until(onLog(bob.log), () => bob.log.entries().length === 50);
    const before = Y.encodeStateAsUpdate(alice.doc).length;

    const id = await alice.seals.sealDue();

    expect(id, 'a segment was sealed').to.be.a('string');
    expect(alice.log.pages.size).to.equal(30);
    expect([...alice.doc.getMap(SEALS_ROOT).keys()]).to.deep.equal([id]);
    expect(Y.encodeStateAsUpdate(alice.doc).length).to.be.lessThan(before * 0.8);
    expect(await alice.store.get(ROOM, id as string), 'the sealer keeps it').to.not.equal(
      undefined,
    );
    // Bob checked the seal against his own entries: the deletion is no attack to him.
    await bob.log.whenProcessed();
    expect(bob.seals.checkedCount).to.equal(1);
    expect(bob.log.rejected()).to.deep.equal({});
    expect(bob.log.pages.size).to.equal(30);
    expect(bob.log.entries()).to.have.length(50);
    expect(alice.log.entries()).to.have.length(50);
    expect(await bob.store.get(ROOM, id as string), 'bob keeps it too').to.not.equal(undefined);
  });

  it('seals only whole segments, only past the limit, and never the unsettled', async () => {
    const young = await tab({ liveLimit: 10, sealSize: 20, settleMs: 60_000, now: Date.now });
    await write(young.log, young.userId, 30);
    expect(await young.seals.sealDue(), 'all entries are younger than a minute').to.equal(
      undefined,
    );
    const small = await tab({ liveLimit: 40, sealSize: 20 });
    await write(small.log, small.userId, 30);
    expect(await small.seals.sealDue(), 'under the limit').to.equal(undefined);
    expect(small.log.pages.size).to.equal(30);
  });

  it('seals one segment after another without overlap', async () => {
    const alice = await tab({ liveLimit: 5, sealSize: 10 });
    await write(alice.log, alice.userId, 30);
    const first = await alice.seals.sealDue();
    const second = await alice.seals.sealDue();
    expect(first).to.be.a('string');
    expect(second).to.be.a('string').and.not.equal(first);
    expect(alice.log.pages.size).to.equal(10);
    expect(alice.log.entries()).to.have.length(30);
    expect(alice.log.rejected()).to.deep.equal({});
  });

  it('writes back entries deleted under a seal that names other content (attack)', async () => {
    const { alice, bob } = await linkedPair(20);
    // Mallory's client records a seal of a made-up id over the first ten and deletes them.
    const ten = alice.log.entries().slice(0, 10);
    const first = ten[0];
    const last = ten[9];
    if (!first || !last) throw new Error('entries missing');
    bob.doc.transact(() => {
      bob.doc.getMap(SEALS_ROOT).set('A'.repeat(43), {
        v: 1,
        f: [first.clock, first.id],
        l: [last.clock, last.id],
        n: 10,
        s: 5000,
      });
      deleteEntries(
        bob.doc,
        ten.map((entry) => entry.id),
      );
    }, 'mallory');
    await until(onDoc(alice.doc), () => alice.log.pages.size === 20);
    expect(alice.log.rejected().deleted).to.equal(10);
    expect(bob.log.pages.size).to.equal(20);
  });

  it('writes back an entry left out of a real segment of its range (attack)', async () => {
    const { alice, bob } = await linkedPair(20);
    // A true segment of nine entries that skips the fifth, recorded over the whole range.
    const ten = alice.log.entries().slice(0, 10);
    const nine = ten.filter((_, n) => n !== 4);
    const segment = sealSegment(ROOM, nine, (id) => alice.log.batchRecord(id));
    bob.doc.transact(() => {
      bob.doc.getMap(SEALS_ROOT).set(segment.id, {
        v: 1,
        f: [segment.first.clock, segment.first.id],
        l: [segment.last.clock, segment.last.id],
        n: 9,
        s: segment.bytes.length,
      });
      deleteEntries(
        bob.doc,
        ten.map((entry) => entry.id),
      );
    }, 'mallory');
    await until(onDoc(alice.doc), () => alice.log.pages.size === 20);
    expect(alice.log.rejected().deleted).to.equal(10);
    expect(alice.seals.checkedCount, 'the seal did not check').to.equal(0);
  });

  it('writes back a batch record deleted while some of its entries are live (attack)', async () => {
    const alice = await tab({ liveLimit: 5, sealSize: 10 });
    const bob = await tab();
    link(alice.doc, bob.doc);
    await write(alice.log, alice.userId, 30);
    await until(onLog(bob.log), () => bob.log.entries().length === 30);
    await alice.seals.sealDue();
    const live = [...bob.log.pages.keys()];
    const batchId = bob.log.get(live[0] as string)?.batch as string;
    bob.doc.transact(() => bob.doc.getMap(BATCHES_ROOT).delete(batchId), 'mallory');
    await until(onDoc(alice.doc), () => alice.doc.getMap(BATCHES_ROOT).has(batchId));
    expect(alice.log.rejected().deleted).to.equal(1);
  });

  it('holds the segments it keeps unread after a restart, and fetches none of them', async () => {
    const alice = await tab({ liveLimit: 5, sealSize: 10 });
    await write(alice.log, alice.userId, 25);
    await alice.seals.sealDue();
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(alice.doc));
    const asked: string[] = [];
    const fetch = (id: string) => {
      asked.push(id);
      return Promise.reject(new Error('no peer'));
    };
    const { log, seals } = await tab({ store: alice.store, fetch }, doc);
    expect(await seals.holdStored()).to.equal(1);
    expect(seals.checkedCount).to.equal(1);
    expect(await seals.fetchMissing()).to.equal(0);
    expect(asked, 'kept here: not asked of peers').to.deep.equal([]);
    await log.whenProcessed();
    expect(log.entries(), 'only the live entries are in memory').to.have.length(15);
  });

  it("keeps a sealed segment's reactions through a restart without reading the segment", async () => {
    const { alice, target } = await sealedWithReaction('🎉');
    await alice.seals.sealDue();
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(alice.doc));
    const { log, seals } = await tab({ store: alice.store }, doc);
    await log.whenProcessed();
    expect(log.kinds(), 'sealed away with its segment').to.deep.equal([]);
    expect(await seals.holdStored()).to.equal(1);
    await log.whenProcessed();
    expect(log.kinds().map((k) => k.message)).to.deep.equal([JSON.stringify([target, '🎉', 1])]);
    expect(log.entries()).to.have.length(15);
  });
});
