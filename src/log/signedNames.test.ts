import { expect } from '@esm-bundle/chai';
import * as Y from 'yjs';
import { Identity } from '../identity/Identity';
import { MemoryKeyStore } from '../identity/MemoryKeyStore';
import { Verifier } from '../identity/Verifier';
import { HostilePeer } from '../testkit/adversary/HostilePeer';
import { linkDocs } from '../testkit/links';
import { until } from '../testkit/waitFor';
import { NAME, encodePayload, decodePayload } from './entryKinds';
import { signedNames } from './signedNames';
import { YjsEventLog } from './YjsEventLog';

const ROOM = 'room-names';
const verifier = new Verifier();
const made: { log: YjsEventLog; doc: Y.Doc }[] = [];
const named = (name: string): string => encodePayload({ kind: NAME, name });

async function member(): Promise<{ log: YjsEventLog; doc: Y.Doc; identity: Identity }> {
  const identity = await Identity.loadOrCreate(new MemoryKeyStore());
  const doc = new Y.Doc();
  const log = new YjsEventLog({ doc, roomId: ROOM, signer: identity, verifier });
  made.push({ log, doc });
  return { log, doc, identity };
}

afterEach(() => {
  for (const { log, doc } of made.splice(0)) {
    log.destroy();
    doc.destroy();
  }
});

describe('Signed names in the log', () => {
  it('reads a name payload: one non-blank string of at most 64 code units', () => {
    expect(decodePayload(NAME, '["Ann"]')).to.deep.equal({ kind: NAME, name: 'Ann' });
    for (const bad of ['[]', '["  "]', '[1]', '["a","b"]', JSON.stringify(['x'.repeat(65)]), 'x']) {
      expect(decodePayload(NAME, bad), bad).to.equal(undefined);
    }
  });

  it('gives each author their newest signed name, alike in any order', () => {
    const at = (id: string, userId: string, name: string, unixTime: number) => ({
      id,
      userId,
      unixTime,
      kind: NAME,
      message: named(name),
    });
    const kinds = [
      at('b', 'ann', 'Annie', 20),
      at('a', 'ann', 'Ann', 10),
      at('c', 'ben', 'Ben', 5),
    ];
    const expected = new Map([
      ['ann', { name: 'Annie', signedAt: 20 }],
      ['ben', { name: 'Ben', signedAt: 5 }],
    ]);
    expect(signedNames(kinds)).to.deep.equal(expected);
    expect(signedNames([...kinds].reverse())).to.deep.equal(expected);
  });

  it('ignores a name forged for another author by a hostile member, and keeps the real one', async () => {
    const alice = await member();
    const bob = await member();
    const mallory = new HostilePeer(ROOM, await Identity.loadOrCreate(new MemoryKeyStore()));
    linkDocs([alice.doc, bob.doc, mallory.doc]);
    const aliceId = alice.identity.userId;
    alice.log.append(aliceId, named('Alice'), NAME);
    await until(
      (f) => bob.log.observeKinds(f),
      () => bob.log.kinds().length === 1,
      "Alice's name reaches Bob",
    );
    // Mallory signs, with her own key, a newer name entry that names Alice as its author.
    const later = Date.now() + 1000;
    await mallory.writeBatch(
      [{ u: aliceId, t: later, c: later, m: named('Mallory'), k: NAME }],
      aliceId,
    );
    // ...and one under her own id whose entry claims to be Alice's.
    await mallory.writeBatch([
      { u: aliceId, t: later + 1, c: later + 1, m: named('Evil'), k: NAME },
    ]);
    // A marker after the forgeries, so that Bob has read them when it arrives.
    alice.log.append(aliceId, 'after');
    await until(
      (f) => bob.log.observe(f),
      () => bob.log.entries().some((e) => e.message === 'after'),
      'the marker reaches Bob',
    );
    await bob.log.whenProcessed();
    expect(signedNames(bob.log.kinds()).get(aliceId)?.name).to.equal('Alice');
    expect(bob.log.kinds()).to.have.length(1);
    expect(Object.values(bob.log.rejected()).reduce((a, b) => a + b, 0)).to.be.greaterThan(0);
  });
});
