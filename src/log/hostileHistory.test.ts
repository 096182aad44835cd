import { expect } from '@esm-bundle/chai';
import * as Y from 'yjs';
import { entriesReach } from '../hub/eventLogContract';
import { decodeBase64url } from '../identity/base64url';
import { Identity } from '../identity/Identity';
import { MemoryKeyStore } from '../identity/MemoryKeyStore';
import { Verifier } from '../identity/Verifier';
import { HostilePeer } from '../testkit/adversary/HostilePeer';
import { linkDocs, resyncDocs } from '../testkit/links';
import { until } from '../testkit/waitFor';
import { readPreview } from './Preview';
import { BATCHES_ROOT, MESSAGES_ROOT, encodeEntry, type SignedEntry } from './schema';
import { entryMaps, storedValues } from '../testkit/adversary/entryMaps';
import { STORED_V1_ROOM } from './testdata/storedV1Room';
import { YjsEventLog } from './YjsEventLog';

const ROOM = 'room-hostile';
const verifier = new Verifier();
const made: { log: YjsEventLog; doc: Y.Doc }[] = [];

async function member(
  doc = new Y.Doc(),
  identity?: Identity,
): Promise<{ log: YjsEventLog; doc: Y.Doc; identity: Identity }> {
  const me = identity ?? (await Identity.loadOrCreate(new MemoryKeyStore()));
  const log = new YjsEventLog({ doc, roomId: ROOM, signer: me, verifier });
  made.push({ log, doc });
  return { log, doc, identity: me };
}

async function adversary(): Promise<HostilePeer> {
  return new HostilePeer(ROOM, await Identity.loadOrCreate(new MemoryKeyStore()));
}

/** Waits until `doc`'s map `root` holds exactly `expected` under `key` (or nothing, for undefined). */
function holds(doc: Y.Doc, check: () => boolean, what: string): Promise<void> {
  return until(
    (onChange) => {
      doc.on('update', onChange);
      return () => doc.off('update', onChange);
    },
    check,
    what,
  );
}

/** Whether every verified entry and batch of `log` stands, unaltered, in `doc`. */
function honestIn(doc: Y.Doc, log: YjsEventLog): boolean {
  const batches = doc.getMap(BATCHES_ROOT);
  return log.entries().every((entry) => {
    const values = storedValues(doc, entry.id) as (Record<string, unknown> | undefined)[];
    const batch = batches.get(entry.batch) as Record<string, unknown> | undefined;
    return (
      values.length > 0 &&
      values.every((value) => value?.m === entry.message) &&
      batch?.g === log.batchRecord(entry.batch)?.g
    );
  });
}

/** Alice, Bob and the adversary Mallory, linked, each holding Alice's three messages. */
async function threeMessages() {
  const alice = await member();
  const bob = await member();
  const mallory = await adversary();
  linkDocs([alice.doc, bob.doc, mallory.doc]);
  for (const text of ['one', 'two', 'three']) alice.log.append(alice.identity.userId, text);
  await entriesReach(bob.log, 3);
  await holds(mallory.doc, () => mallory.keys().length === 3, 'the adversary holds 3 entries');
  return { alice, bob, mallory };
}

const texts = (log: YjsEventLog): string[] => log.entries().map((e) => e.message);

afterEach(() => {
  for (const { log, doc } of made.splice(0)) {
    log.destroy();
    doc.destroy();
  }
});

describe('Hostile history: keys deleted or overwritten', () => {
  it('a newcomer ends with exactly the honest history after a member deleted every key', async () => {
    const { alice, bob, mallory } = await threeMessages();

    mallory.deleteKeys();
    // Honest holders write back what they verified; the adversary's replica receives it too.
    await holds(mallory.doc, () => honestIn(mallory.doc, alice.log), 'the history written back');
    const batchCount = new Set(alice.log.entries().map((e) => e.batch)).size;
    expect(alice.log.rejected()).to.deep.equal({ deleted: 3 + batchCount });

    const newcomer = await member();
    resyncDocs([bob.doc, mallory.doc, newcomer.doc]);
    await entriesReach(newcomer.log, 3);
    await newcomer.log.whenProcessed();
    expect(texts(newcomer.log)).to.deep.equal(['one', 'two', 'three']);
  });

  it('writes back every entry of pages a member deleted whole, with no seal behind them', async () => {
    const { alice, bob, mallory } = await threeMessages();

    // What sealing does to a page, done without a seal: Yjs then drops the entries' content.
    mallory.deletePages();
    await holds(mallory.doc, () => honestIn(mallory.doc, alice.log), 'the history written back');
    expect(alice.log.rejected()).to.deep.equal({ deleted: 3 });
    expect(bob.log.rejected()).to.deep.equal({ deleted: 3 });

    const newcomer = await member();
    resyncDocs([mallory.doc, newcomer.doc]);
    await entriesReach(newcomer.log, 3);
    await newcomer.log.whenProcessed();
    expect(texts(newcomer.log)).to.deep.equal(['one', 'two', 'three']);
  });

  it('a newcomer and a reloaded member show the honest history after every key was overwritten', async () => {
    const alice = await member();
    const bob = await member();
    const mallory = await adversary();
    const link = linkDocs([alice.doc, bob.doc, mallory.doc]);
    for (const text of ['one', 'two']) alice.log.append(alice.identity.userId, text);
    await alice.log.whenProcessed();
    alice.log.append(alice.identity.userId, 'three');
    await entriesReach(bob.log, 3);
    await holds(mallory.doc, () => mallory.keys().length === 3, 'the adversary holds 3 entries');
    // Bob's device keeps what it had, then goes away while the attack happens.
    const bobStored = Y.encodeStateAsUpdate(bob.doc);
    link.up = false;
    await mallory.rewriteHistory((old) => `${old} (rewritten)`);
    resyncDocs([alice.doc, mallory.doc]);
    await holds(alice.doc, () => honestIn(alice.doc, alice.log), 'the history written back');
    resyncDocs([alice.doc, mallory.doc]);
    const batchCount = new Set(alice.log.entries().map((e) => e.batch)).size;
    expect(alice.log.rejected()).to.deep.equal({ overwritten: 3 + batchCount });
    expect(texts(alice.log)).to.deep.equal(['one', 'two', 'three']);

    const newcomer = await member();
    resyncDocs([mallory.doc, newcomer.doc]);
    await entriesReach(newcomer.log, 3);
    await newcomer.log.whenProcessed();
    expect(texts(newcomer.log)).to.deep.equal(['one', 'two', 'three']);

    // Bob reloads from his stored state, and syncs with the adversary and Alice.
    const reloadedDoc = new Y.Doc();
    Y.applyUpdate(reloadedDoc, bobStored);
    const reloaded = await member(reloadedDoc, bob.identity);
    resyncDocs([reloadedDoc, mallory.doc, alice.doc]);
    await reloaded.log.whenProcessed();
    expect(texts(reloaded.log)).to.deep.equal(['one', 'two', 'three']);
  });

  it('an own message written over before this tab listed it is listed and written back', async () => {
    const alice = await member();
    // A peer's write that lands between Alice's write and her listing it (her checks were busy).
    let forged = false;
    alice.doc.on('afterTransaction', (transaction: Y.Transaction) => {
      if (forged || transaction.origin !== alice.log) return;
      forged = true;
      for (const map of entryMaps(alice.doc)) {
        for (const [id, value] of map.entries()) {
          alice.doc.transact(() => map.set(id, { ...(value as object), m: 'forged' }), 'peer');
        }
      }
    });
    const id = alice.log.append(alice.identity.userId, 'mine');
    await entriesReach(alice.log, 1);
    await alice.log.whenProcessed();
    expect(forged).to.equal(true);
    expect(texts(alice.log)).to.deep.equal(['mine']);
    await holds(alice.doc, () => honestIn(alice.doc, alice.log), 'the entry written back');
    expect(storedValues(alice.doc, id).map((value) => (value as { m?: unknown }).m)).to.deep.equal([
      'mine',
    ]);
    expect(alice.log.rejected()).to.include({ overwritten: 1 });
  });

  it('a batch signed by someone else cannot stand under an honest batch id', async () => {
    const alice = await member();
    const mallory = await adversary();
    linkDocs([alice.doc, mallory.doc]);
    const id = alice.log.append(alice.identity.userId, 'mine');
    await entriesReach(alice.log, 1);
    await holds(mallory.doc, () => mallory.keys().length === 1, 'the adversary holds the entry');
    const genuine = alice.log.get(id) as SignedEntry;
    // Mallory's own signed batch over the same hashes, under Alice's batch id.
    const own = await mallory.writeBatch([]);
    mallory.overwrite(BATCHES_ROOT, genuine.batch, { ...own.batch, u: mallory.signer.userId });
    await holds(mallory.doc, () => honestIn(mallory.doc, alice.log), 'the batch written back');
    const newcomer = await member();
    resyncDocs([mallory.doc, newcomer.doc]);
    await entriesReach(newcomer.log, 1);
    expect(texts(newcomer.log)).to.deep.equal(['mine']);
  });

  it('a preview cannot claim an honest batch id', async () => {
    const alice = await member();
    const mallory = await adversary();
    const reader = await member();
    const id = alice.log.append(alice.identity.userId, 'honest');
    await alice.log.whenProcessed();
    const genuine = alice.log.get(id) as SignedEntry;
    const forged = await mallory.writeBatch([
      { u: mallory.signer.userId, t: genuine.unixTime, c: genuine.clock, m: 'honest' },
    ]);
    // The forged batch under the honest batch id, vouching for an entry under the honest key.
    readPreview(
      reader.log,
      mallory.preview(
        [[id, { ...(forged.entries[0]?.[1] as object), b: genuine.batch }]],
        [[genuine.batch, forged.batch]],
      ),
    );
    await reader.log.whenProcessed();
    expect(reader.log.entries()).to.deep.equal([]);
    // The honest history still gets in when the sync brings it.
    Y.applyUpdate(reader.doc, Y.encodeStateAsUpdate(alice.doc));
    await entriesReach(reader.log, 1);
    expect(reader.log.get(id)?.userId).to.equal(alice.identity.userId);
  });

  it('a version 1 record cannot stand under a version 2 key', async () => {
    const alice = await member();
    const mallory = await adversary();
    linkDocs([alice.doc, mallory.doc]);
    const id = alice.log.append(alice.identity.userId, 'v2 message');
    await holds(mallory.doc, () => mallory.keys().length === 1, 'the adversary holds the entry');
    const v1 = await mallory.writeBatchV1('batch-v1-x', [
      { id, u: mallory.signer.userId, t: 1, c: 1, m: 'claimed with a v1 record' },
    ]);
    expect(v1.entries[0]?.[0]).to.equal(id);
    await holds(mallory.doc, () => honestIn(mallory.doc, alice.log), 'the entry written back');
    const newcomer = await member();
    resyncDocs([mallory.doc, newcomer.doc]);
    await entriesReach(newcomer.log, 1);
    await newcomer.log.whenProcessed();
    expect(texts(newcomer.log)).to.deep.equal(['v2 message']);
    expect(newcomer.log.rejected()).to.deep.equal({});
  });
});

describe('Stored version 1 rooms', () => {
  it('open and list their entries, and take version 2 entries after them', async () => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, decodeBase64url(STORED_V1_ROOM.state) as Uint8Array);
    const me = await Identity.loadOrCreate(new MemoryKeyStore());
    const log = new YjsEventLog({ doc, roomId: STORED_V1_ROOM.roomId, signer: me, verifier });
    made.push({ log, doc });
    await log.whenProcessed();
    expect(log.entries().map((e) => [e.id, e.message])).to.deep.equal(STORED_V1_ROOM.entries);
    expect(
      log.entries().every((e) => e.version === 1 && e.userId === STORED_V1_ROOM.userId),
    ).to.equal(true);
    log.append(me.userId, 'written by v2');
    await entriesReach(log, 4);
    expect(log.entries().at(-1)?.version).to.equal(2);
    expect(log.rejected()).to.deep.equal({});
  });

  it('write a deleted v1 entry back, as the first verified record', async () => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, decodeBase64url(STORED_V1_ROOM.state) as Uint8Array);
    const me = await Identity.loadOrCreate(new MemoryKeyStore());
    const log = new YjsEventLog({ doc, roomId: STORED_V1_ROOM.roomId, signer: me, verifier });
    made.push({ log, doc });
    await log.whenProcessed();
    const [firstId] = STORED_V1_ROOM.entries[0] as [string, string];
    doc.getMap(MESSAGES_ROOT).delete(firstId);
    // Written back into this writer's page, like anything it writes.
    await holds(doc, () => log.pages.has(firstId), 'the v1 entry written back');
    expect(storedValues(doc, firstId)).to.deep.equal([
      encodeEntry(log.get(firstId) as SignedEntry),
    ]);
  });
});
