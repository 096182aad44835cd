import { expect } from '@esm-bundle/chai';
import * as Y from 'yjs';
import { entriesReach } from '../hub/eventLogContract';
import { Identity } from '../identity/Identity';
import { MemoryKeyStore } from '../identity/MemoryKeyStore';
import { Verifier } from '../identity/Verifier';
import { linkDocs } from '../testkit/links';
import { BATCHES_ROOT } from './schema';
import type { SignatureVerifier } from './signing';
import { YjsEventLog } from './YjsEventLog';
import { CountingVerifier } from '../testkit/CountingVerifier';

const made: { log: YjsEventLog; doc: Y.Doc }[] = [];

async function member(verifier: SignatureVerifier = new Verifier()) {
  const identity = await Identity.loadOrCreate(new MemoryKeyStore());
  const doc = new Y.Doc();
  const log = new YjsEventLog({ doc, roomId: 'room-admission', signer: identity, verifier });
  made.push({ log, doc });
  return { identity, doc, log };
}

/** Counts the batch checks `log` starts (each verifies a signature once) from now on. */
function countChecks(log: YjsEventLog): () => number {
  const batches = log.verifiedBatches;
  const check = batches.check.bind(batches);
  let count = 0;
  batches.check = (...args: Parameters<typeof check>) => {
    count += 1;
    return check(...args);
  };
  return () => count;
}

afterEach(() => {
  for (const { log, doc } of made.splice(0)) {
    log.destroy();
    doc.destroy();
  }
});

describe('Admission: a peer’s live batches', () => {
  it('are checked while the update that brings them is applied, and only once', async () => {
    const alice = await member();
    const verifier = new CountingVerifier();
    const bob = await member(verifier);
    linkDocs([alice.doc, bob.doc]);
    const checks = countChecks(bob.log);
    const atApply: number[] = [];
    // After the update's observers and before anything the update's application queued.
    bob.doc.on('afterTransaction', (transaction: Y.Transaction) => {
      if (transaction.origin !== bob.log) atApply.push(checks());
    });
    alice.log.append(alice.identity.userId, 'hello');
    await entriesReach(bob.log, 1);
    expect(atApply).to.deep.equal([1]);
    expect(verifier.calls).to.equal(1);
    expect(bob.log.entries().map((e) => e.message)).to.deep.equal(['hello']);
  });

  it('still turn away a batch whose signature fails, checked once', async () => {
    const alice = await member();
    const verifier = new CountingVerifier();
    const bob = await member(verifier);
    const shown: string[] = [];
    // Alice's batch reaches Bob with another signature of the same length.
    alice.doc.on('update', (update: Uint8Array) => {
      const copy = new Y.Doc();
      Y.applyUpdate(copy, update);
      const batches = copy.getMap<Record<string, unknown>>(BATCHES_ROOT);
      for (const [batchId, record] of batches) {
        const g = String(record.g);
        const forged = { ...record, g: (g.startsWith('A') ? 'B' : 'A') + g.slice(1) };
        copy.transact(() => batches.set(batchId, forged));
      }
      Y.applyUpdate(bob.doc, Y.encodeStateAsUpdate(copy), 'peer');
    });
    bob.log.observe((entries) => shown.push(...entries.map((e) => e.message)));
    alice.log.append(alice.identity.userId, 'forged on the way');
    await alice.log.whenProcessed();
    await bob.log.whenProcessed();
    expect(shown).to.deep.equal([]);
    expect(bob.log.rejected()).to.deep.equal({ 'bad-signature': 1 });
    expect(verifier.calls).to.equal(1);
  });
});
