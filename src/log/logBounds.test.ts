import { expect } from '@esm-bundle/chai';
import * as Y from 'yjs';
import { Identity } from '../identity/Identity';
import { MemoryKeyStore } from '../identity/MemoryKeyStore';
import { Verifier } from '../identity/Verifier';
import { signBatchV2 } from '../testkit/adversary/forgery';
import { HostilePeer } from '../testkit/adversary/HostilePeer';
import { until } from '../testkit/waitFor';
import type { QuotaLimits } from './AuthorQuota';
import { BATCHES_ROOT, MESSAGES_ROOT } from './schema';
import { YjsEventLog } from './YjsEventLog';

const ROOM = 'room-bounds';
const verifier = new Verifier();
const made: { log: YjsEventLog; doc: Y.Doc }[] = [];

afterEach(() => {
  for (const { log, doc } of made.splice(0)) {
    log.destroy();
    doc.destroy();
  }
});

async function reader(options: { maxPending?: number; quota?: QuotaLimits } = {}) {
  const identity = await Identity.loadOrCreate(new MemoryKeyStore());
  const doc = new Y.Doc();
  const log = new YjsEventLog({ doc, roomId: ROOM, signer: identity, verifier, ...options });
  made.push({ log, doc });
  return { log, doc, userId: identity.userId };
}

describe('Log bounds', () => {
  it('shows pending entries a flood pushed out, once their batch arrives', async () => {
    const bob = await reader({ maxPending: 20 });
    const alice = await Identity.loadOrCreate(new MemoryKeyStore());
    const now = Date.now();
    const honest = await signBatchV2(alice, ROOM, alice.userId, [
      { u: alice.userId, t: now, c: now, m: 'first' },
      { u: alice.userId, t: now, c: now + 1, m: 'second' },
    ]);
    // Alice's entries arrive before their batch (updates can arrive in any order)...
    bob.doc.transact(() => {
      for (const [id, entry] of honest.entries) bob.doc.getMap(MESSAGES_ROOT).set(id, entry);
    });
    // ...then Mallory floods the pending entries with 30 of hers whose batch never comes.
    const mallory = new HostilePeer(ROOM, await Identity.loadOrCreate(new MemoryKeyStore()));
    const drafts = Array.from({ length: 30 }, (_, n) => ({
      u: mallory.signer.userId,
      t: now,
      c: now + n,
      m: `flood ${n}`,
    }));
    const flood = await signBatchV2(mallory.signer, ROOM, mallory.signer.userId, drafts);
    bob.doc.transact(() => {
      for (const [id, entry] of flood.entries) bob.doc.getMap(MESSAGES_ROOT).set(id, entry);
    });
    await bob.log.whenProcessed();
    expect(bob.log.rejected().orphaned, 'the flood pushed entries out').to.be.greaterThan(0);
    // Alice's batch arrives: her entries are shown though the flood had pushed them out.
    bob.doc.getMap(BATCHES_ROOT).set(honest.batchId, honest.batch);
    await until(
      (f) => bob.log.observe(f),
      () => bob.log.entries().length === 2,
      "Alice's two entries shown",
    );
    expect(bob.log.entries().map((e) => e.message)).to.deep.equal(['first', 'second']);
  });

  it('holds one author to their quota of entries and text; others and this tab are unaffected', async () => {
    const bob = await reader({ quota: { entries: 50, chars: 1000 } });
    const mallory = new HostilePeer(ROOM, await Identity.loadOrCreate(new MemoryKeyStore()));
    const alice = new HostilePeer(ROOM, await Identity.loadOrCreate(new MemoryKeyStore()));
    const now = Date.now();
    const draft = (peer: HostilePeer, n: number, m: string) => ({
      u: peer.signer.userId,
      t: now,
      c: now + n,
      m,
    });
    // Mallory floods: 80 entries in two batches. Only the first 50 are taken.
    const first = Array.from({ length: 40 }, (_, n) => draft(mallory, n, `flood ${n}`));
    const second = Array.from({ length: 40 }, (_, n) => draft(mallory, 40 + n, `flood ${40 + n}`));
    for (const batch of [first, second]) {
      const forged = await signBatchV2(mallory.signer, ROOM, mallory.signer.userId, batch);
      bob.doc.transact(() => {
        bob.doc.getMap(BATCHES_ROOT).set(forged.batchId, forged.batch);
        for (const [id, entry] of forged.entries) bob.doc.getMap(MESSAGES_ROOT).set(id, entry);
      });
      await bob.log.whenProcessed();
    }
    expect(bob.log.entries()).to.have.length(50);
    expect(bob.log.rejected()).to.deep.equal({ quota: 30 });
    // Long texts count against the characters: 3 x 400 is past 1,000.
    const long = await signBatchV2(alice.signer, ROOM, alice.signer.userId, [
      draft(alice, 1, 'a'.repeat(400)),
      draft(alice, 2, 'b'.repeat(400)),
      draft(alice, 3, 'c'.repeat(400)),
    ]);
    bob.doc.transact(() => {
      bob.doc.getMap(BATCHES_ROOT).set(long.batchId, long.batch);
      for (const [id, entry] of long.entries) bob.doc.getMap(MESSAGES_ROOT).set(id, entry);
    });
    await bob.log.whenProcessed();
    const byAlice = bob.log.entries().filter((e) => e.userId === alice.signer.userId);
    expect(byAlice).to.have.length(2);
    expect(bob.log.rejected()).to.deep.equal({ quota: 31 });
    // This tab's own writing is never held to the quota.
    for (let n = 0; n < 60; n += 1) bob.log.append(bob.userId, `mine ${n}`);
    await bob.log.whenProcessed();
    expect(bob.log.entries().filter((e) => e.userId === bob.userId)).to.have.length(60);
  });
});
