import { expect } from '@esm-bundle/chai';
import * as Y from 'yjs';
import { entriesReach, eventLogContract } from '../hub/eventLogContract';
import type { EventLogPort } from '../hub/ports';
import { Identity } from '../identity/Identity';
import { MemoryKeyStore } from '../identity/MemoryKeyStore';
import { Verifier } from '../identity/Verifier';
import { BATCHES_ROOT, MESSAGES_ROOT, encodeEntry, type SignedEntry } from './schema';
import { deleteEntries } from '../testkit/adversary/entryMaps';
import { YjsEventLog } from './YjsEventLog';
import { makePreview, readPreview } from './Preview';
import { linkDocs } from '../testkit/links';
import { signBatchV2, type ForgedBatch, type ForgedDraft } from '../testkit/adversary/forgery';

interface Replica {
  doc: Y.Doc;
  log: YjsEventLog;
  identity: Identity;
}

async function replicas(count: number, roomId = 'room-1'): Promise<Replica[]> {
  const verifier = new Verifier();
  const docs = Array.from({ length: count }, () => new Y.Doc());
  linkDocs(docs);
  return Promise.all(
    docs.map(async (doc) => {
      const identity = await Identity.loadOrCreate(new MemoryKeyStore());
      const log = new YjsEventLog({ doc, roomId, signer: identity, verifier });
      return { doc, log, identity };
    }),
  );
}

eventLogContract('YjsEventLog', () => {
  const made: Replica[] = [];
  return {
    async replicas(count) {
      const fresh = await replicas(count);
      made.push(...fresh);
      return fresh.map((r) => r.log);
    },
    authorOf: (port: EventLogPort) => made.find((r) => r.log === port)?.identity.userId ?? '',
    cleanup() {
      for (const { log, doc } of made.splice(0)) {
        log.destroy();
        doc.destroy();
      }
      return Promise.resolve();
    },
  };
});

/** Writes straight into the document, as a hostile peer with its own Yjs client would. */
function forge(doc: Y.Doc, id: string, value: unknown, root = MESSAGES_ROOT): void {
  doc.getMap(root).set(id, value);
}

/** Writes a forged batch's records into a document, as a hostile peer would. */
function forgeBatch(doc: Y.Doc, forged: ForgedBatch): void {
  doc.transact(() => {
    forge(doc, forged.batchId, forged.batch, BATCHES_ROOT);
    for (const [id, entry] of forged.entries) forge(doc, id, entry);
  });
}

describe('YjsEventLog: hostile peers', () => {
  let all: Replica[] = [];
  afterEach(() => {
    for (const { log, doc } of all.splice(0)) {
      log.destroy();
      doc.destroy();
    }
  });

  it('never delivers an entry that claims another user, is altered, replayed or malformed', async () => {
    all = await replicas(3);
    const [alice, bob, mallory] = all as [Replica, Replica, Replica];
    const seenByBob: string[] = [];
    bob.log.observe((entries) => seenByBob.push(...entries.map((e) => e.message)));
    alice.log.append(alice.identity.userId, 'genuine');
    await entriesReach(bob.log, 1);
    const aliceId = alice.identity.userId;
    const malloryId = mallory.identity.userId;
    const now = Date.now();
    const draft = (u: string, m: string): ForgedDraft => ({ u, t: now, c: now, m });

    // 1. Mallory signs a batch with her key but names Alice as its author.
    forgeBatch(
      mallory.doc,
      await signBatchV2(mallory.identity, 'room-1', aliceId, [draft(aliceId, 'I am Alice')]),
    );
    // 2. Mallory's own valid batch vouching for an entry that names Alice.
    forgeBatch(
      mallory.doc,
      await signBatchV2(mallory.identity, 'room-1', malloryId, [draft(aliceId, 'Also me, Alice')]),
    );
    // 3. Alice's genuine entry with its text altered, still pointing at her real batch, under
    //    its own hash as the key (so the id checks out, and only the batch can tell).
    const genuine = alice.log.entries()[0] as SignedEntry;
    const altered = await signBatchV2(mallory.identity, 'room-1', aliceId, [
      { u: aliceId, t: genuine.unixTime, c: genuine.clock, m: 'altered' },
    ]);
    const [alteredId, alteredEntry] = altered.entries[0] as [string, unknown];
    forge(mallory.doc, alteredId, { ...(alteredEntry as object), b: genuine.batch, i: 0 });
    // 4. A batch Alice really signed, but for room 2, replayed here.
    forgeBatch(
      mallory.doc,
      await signBatchV2(alice.identity, 'room-2', aliceId, [draft(aliceId, 'said in room 2')]),
    );
    // 5. Junk of every shape, and an entry whose batch never comes.
    const key = (n: number): string => `${'k'.repeat(42)}${n}`;
    forge(mallory.doc, key(1), 42);
    forge(mallory.doc, key(2), { v: 2, u: 'short', t: 1, c: 1, m: 'x', b: key(9), i: 0 });
    forge(mallory.doc, key(3), { v: 99, u: aliceId, t: 1, c: 1, m: 'x', b: key(9), i: 0 });
    forge(mallory.doc, 'too long id '.repeat(10), { v: 2 });
    forge(mallory.doc, key(4), {
      v: 2,
      u: malloryId,
      t: 1,
      c: 1,
      m: 'x'.repeat(20_000),
      b: key(9),
      i: 0,
    });
    const orphan = await signBatchV2(mallory.identity, 'room-1', malloryId, [
      draft(malloryId, 'no batch'),
    ]);
    forge(mallory.doc, ...(orphan.entries[0] as [string, unknown]));
    // 6. Mallory's own honest message gets through: it is hers, signed by her.
    mallory.log.append(malloryId, 'hello from mallory');

    await entriesReach(bob.log, 2);
    await bob.log.whenProcessed();
    expect(seenByBob.sort()).to.deep.equal(['genuine', 'hello from mallory']);
    expect(
      bob.log
        .entries()
        .map((e) => e.message)
        .sort(),
    ).to.deep.equal(['genuine', 'hello from mallory']);
    expect(bob.log.rejected()).to.deep.equal({
      'bad-signature': 4,
      'bad-shape': 2,
      'unknown-version': 1,
      'bad-id': 1,
      'too-long': 1,
    });
  });

  it('keeps a verified message that a peer later overwrites or deletes', async () => {
    all = await replicas(2);
    const [alice, mallory] = all as [Replica, Replica];
    const id = alice.log.append(alice.identity.userId, 'keep me');
    await entriesReach(mallory.log, 1);
    const genuine = mallory.log.get(id) as SignedEntry;
    forge(mallory.doc, id, { ...encodeEntry(genuine), m: 'replaced' });
    await alice.log.whenProcessed();
    deleteEntries(mallory.doc, [id]);
    await alice.log.whenProcessed();
    expect(alice.log.entries().map((e) => e.message)).to.deep.equal(['keep me']);
  });

  it('refuses to append as another user, or a message over the limit', async () => {
    all = await replicas(1);
    const [alice] = all as [Replica];
    expect(() => alice.log.append('somebody-else', 'hi')).to.throw(/signs as/);
    expect(() => alice.log.append(alice.identity.userId, 'x'.repeat(16 * 1024 + 1))).to.throw(
      RangeError,
    );
  });
});

describe('YjsEventLog: order and volume', () => {
  it('orders a reply after what it answers, even when its author’s clock is behind', async () => {
    const verifier = new Verifier();
    const docs = [new Y.Doc(), new Y.Doc()];
    linkDocs(docs);
    const [ahead, behind] = (await Promise.all(
      docs.map(async (doc, i) => {
        const identity = await Identity.loadOrCreate(new MemoryKeyStore());
        const skew = i === 0 ? 0 : -60_000;
        const log = new YjsEventLog({
          doc,
          roomId: 'r',
          signer: identity,
          verifier,
          now: () => Date.now() + skew,
        });
        return { log, identity };
      }),
    )) as [{ log: YjsEventLog; identity: Identity }, { log: YjsEventLog; identity: Identity }];
    ahead.log.append(ahead.identity.userId, 'question');
    await entriesReach(behind.log, 1);
    behind.log.append(behind.identity.userId, 'answer');
    await entriesReach(ahead.log, 2);
    for (const { log } of [ahead, behind]) {
      expect(log.entries().map((e) => e.message)).to.deep.equal(['question', 'answer']);
    }
  });

  it('replicates 2,000 messages written in one burst, each reported once', async () => {
    const [a, b] = (await replicas(2)) as [Replica, Replica];
    let reported = 0;
    b.log.observe((entries) => (reported += entries.length));
    for (let i = 0; i < 2000; i += 1) a.log.append(a.identity.userId, `burst ${i}`);
    await entriesReach(b.log, 2000, 30_000);
    await b.log.whenProcessed();
    expect(reported).to.equal(2000);
    expect(b.log.entries().map((e) => e.message)).to.deep.equal(
      Array.from({ length: 2000 }, (_, i) => `burst ${i}`),
    );
  });

  it('verifies and lists what a document already held when the log was made (a reload)', async () => {
    const [a] = (await replicas(1)) as [Replica];
    for (let i = 0; i < 50; i += 1) a.log.append(a.identity.userId, `m${i}`);
    await entriesReach(a.log, 50);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(a.doc));
    const reloaded = new YjsEventLog({
      doc: copy,
      roomId: 'room-1',
      signer: a.identity,
      verifier: new Verifier(),
    });
    await reloaded.whenProcessed();
    expect(reloaded.entries().map((e) => e.id)).to.deep.equal(a.log.entries().map((e) => e.id));
  });
});

describe('YjsEventLog: previews', () => {
  it('shows a peer’s newest entries from a preview, then nothing twice when the sync follows', async () => {
    const verifier = new Verifier();
    const writerDoc = new Y.Doc();
    const writer = await Identity.loadOrCreate(new MemoryKeyStore());
    const source = new YjsEventLog({ doc: writerDoc, roomId: 'room-1', signer: writer, verifier });
    for (let i = 0; i < 300; i += 1) source.append(writer.userId, `m${i}`);
    await entriesReach(source, 300);
    const readerDoc = new Y.Doc();
    const reader = new YjsEventLog({
      doc: readerDoc,
      roomId: 'room-1',
      signer: await Identity.loadOrCreate(new MemoryKeyStore()),
      verifier,
    });
    let reported = 0;
    reader.observe((entries) => (reported += entries.length));
    const preview = makePreview(source, writerDoc);
    expect(preview).to.not.equal(undefined);
    readPreview(reader, preview as Uint8Array);
    await entriesReach(reader, 100);
    expect(reader.entries().map((e) => e.message)).to.deep.equal(
      Array.from({ length: 100 }, (_, i) => `m${200 + i}`),
    );
    Y.applyUpdate(readerDoc, Y.encodeStateAsUpdate(writerDoc));
    await entriesReach(reader, 300);
    await reader.whenProcessed();
    expect(reported).to.equal(300);
    expect(reader.rejected()).to.deep.equal({});
  });

  it('rejects a forged preview and ignores garbage', async () => {
    const verifier = new Verifier();
    const doc = new Y.Doc();
    const mallory = await Identity.loadOrCreate(new MemoryKeyStore());
    const victim = await Identity.loadOrCreate(new MemoryKeyStore());
    const reader = new YjsEventLog({ doc, roomId: 'room-1', signer: mallory, verifier });
    const forged = await signBatchV2(mallory, 'room-1', victim.userId, [
      { u: victim.userId, t: Date.now(), c: Date.now(), m: 'not me' },
    ]);
    const encode = (body: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(body));
    readPreview(reader, encode({ v: 2, e: forged.entries, b: [[forged.batchId, forged.batch]] }));
    readPreview(reader, new TextEncoder().encode('not json'));
    readPreview(reader, encode({ v: 1, e: forged.entries, b: [] }));
    readPreview(reader, encode({ v: 2, e: 'x', b: [] }));
    await reader.whenProcessed();
    expect(reader.entries()).to.deep.equal([]);
    expect(reader.rejected()).to.deep.equal({ 'bad-signature': 1 });
  });
});
