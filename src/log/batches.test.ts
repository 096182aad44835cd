import { expect } from '@esm-bundle/chai';
import { sha256 } from '@noble/hashes/sha2.js';
import { encodeBase64url } from '../identity/base64url';
import { Identity } from '../identity/Identity';
import { MemoryKeyStore } from '../identity/MemoryKeyStore';
import { Verifier } from '../identity/Verifier';
import { signBatchV2 } from '../testkit/adversary/forgery';
import { BatchVerifier } from './BatchVerifier';
import { batchBytes, batchBytesOf, batchIdOf, entryHash, entryText, leafHash } from './batches';

const encoder = new TextEncoder();

describe('leafHash', () => {
  it('is SHA-256 of the canonical bytes, for any text and length, in both versions', () => {
    const texts = [
      '',
      'hello',
      'é ü ß',
      '日本語のメッセージ',
      '🙂👍🏽 and "quotes" \\ \n',
      'x'.repeat(16_384),
    ];
    // Long texts first too: the reused buffer grows, and shorter ones after must not see stale bytes.
    for (const message of [...texts, ...[...texts].reverse(), '日'.repeat(16_384), 'a']) {
      const entry = {
        id: 'abcdefghijklmnopqrstuv',
        userId: 'A'.repeat(43),
        unixTime: 1_763_000_000_000,
        clock: 1_763_000_000_001,
        message,
      };
      const v1 = JSON.stringify([entry.id, entry.unixTime, entry.clock, message]);
      expect(leafHash({ ...entry, version: 1 })).to.deep.equal(sha256(encoder.encode(v1)));
      const v2 = JSON.stringify([entry.userId, entry.unixTime, entry.clock, message]);
      expect(entryText(entry)).to.equal(v2);
      expect(leafHash({ ...entry, version: 2 })).to.deep.equal(sha256(encoder.encode(v2)));
    }
  });

  it('hashes the same bytes as JSON.stringify on the plain-ASCII path and off it', () => {
    // Every character JSON or UTF-8 treat apart, alone and inside plain text, in each field.
    const odd = ['"', '\\', '\n', '\u001f', '\u007f', 'é', '\ud800', '🙂', '</', "'"];
    const texts = ['', ' ', '~', 'plain text 123', ...odd, ...odd.map((c) => `ab${c}cd`)];
    const times = [0, 1, 1_763_000_000_123, 1.5, 1e21, -1, Number.MAX_SAFE_INTEGER];
    const check = (entry: Parameters<typeof entryHash>[0]): void => {
      expect(entryHash(entry)).to.deep.equal(sha256(encoder.encode(entryText(entry))));
    };
    const userId = 'U'.repeat(42) + '_';
    for (const message of [...texts, 'y'.repeat(20_000), 'z']) {
      check({ userId, unixTime: 1_763_000_000_000, clock: 1_763_000_000_001, message });
      check({ userId, unixTime: 5, clock: 6, message: 'm', kind: message });
      check({ userId: message, unixTime: 5, clock: 6, message: 'm' });
    }
    for (const unixTime of times) check({ userId, unixTime, clock: unixTime, message: 'm' });
  });

  it('puts the kind last, only when there is one', () => {
    const entry = { userId: 'u'.repeat(43), unixTime: 1, clock: 2, message: 'm' };
    expect(entryText({ ...entry, kind: 'reaction' })).to.equal(
      JSON.stringify([entry.userId, 1, 2, 'm', 'reaction']),
    );
  });
});

describe('batch ids', () => {
  it('are the SHA-256 of the signed bytes in v2, which name no batch id', () => {
    const bytes = batchBytes(2, 'room-1', 'ignored', 'u'.repeat(43), 'hh');
    expect(new TextDecoder().decode(bytes)).to.equal(
      JSON.stringify(['meshchat/2-batch', 'room-1', 'u'.repeat(43), 'hh']),
    );
    expect(batchIdOf('room-1', 'u'.repeat(43), 'hh')).to.equal(encodeBase64url(sha256(bytes)));
  });

  it('are signed over the same bytes when made from the hashes as ASCII', () => {
    const h = encodeBase64url(Uint8Array.from({ length: 3200 }, (_, i) => i & 255));
    for (const roomId of ['room-1', 'a "quoted" \\ room', 'café 🙂', '']) {
      expect(batchBytesOf(roomId, 'u'.repeat(43), encoder.encode(h))).to.deep.equal(
        batchBytes(2, roomId, '', 'u'.repeat(43), h),
      );
    }
  });
});

describe('BatchVerifier', () => {
  it('checks a forged record and the honest one under one id apart, whichever comes first', async () => {
    const identity = await Identity.loadOrCreate(new MemoryKeyStore());
    const drafts = [0, 1, 2].map((i) => ({
      u: identity.userId,
      t: 1000 + i,
      c: 2000 + i,
      m: `m${i}`,
    }));
    const honest = await signBatchV2(identity, 'room-1', identity.userId, drafts);
    // Same id, same signature, hashes of the same length: only the content differs.
    const first = honest.batch.h[0] === 'A' ? 'B' : 'A';
    const forged = { ...honest.batch, h: first + honest.batch.h.slice(1) };
    const batches = new BatchVerifier('room-1', new Verifier());
    const [a, b] = await Promise.all([
      batches.check(honest.batchId, forged),
      batches.check(honest.batchId, honest.batch),
    ]);
    expect(b?.record).to.deep.equal(honest.batch);
    // The forged check ends after the honest one is known: it gets the honest record, never
    // its own.
    expect(a === undefined || a.record === honest.batch).to.equal(true);
    const fresh = new BatchVerifier('room-1', new Verifier());
    expect(await fresh.check(honest.batchId, forged)).to.equal(undefined);
    expect((await fresh.check(honest.batchId, honest.batch))?.record).to.deep.equal(honest.batch);
    // Hashes given with the record are taken as what `h` decodes to.
    const given = new BatchVerifier('room-1', new Verifier());
    const hashes = drafts.map((d) =>
      entryHash({ userId: d.u, unixTime: d.t, clock: d.c, message: d.m }),
    );
    const whole = new Uint8Array(96);
    hashes.forEach((hash, i) => whole.set(hash, i * 32));
    expect((await given.check(honest.batchId, honest.batch, whole))?.hashes).to.deep.equal(whole);
  });

  it('takes a record only under the hash of its bytes, small (hashed here) or large (WebCrypto)', async () => {
    const identity = await Identity.loadOrCreate(new MemoryKeyStore());
    for (const count of [1, 300]) {
      const drafts = Array.from({ length: count }, (_, i) => ({
        u: identity.userId,
        t: 1000 + i,
        c: 2000 + i,
        m: `m${i}`,
      }));
      const honest = await signBatchV2(identity, 'room-1', identity.userId, drafts);
      const bytes = batchBytes(2, 'room-1', '', identity.userId, honest.batch.h);
      expect(bytes.length > 4096, `${count} entries`).to.equal(count > 1);
      const batches = new BatchVerifier('room-1', new Verifier());
      // Another content key: the signature is good, but the record is not what it names.
      const other = encodeBase64url(sha256(encoder.encode(`other ${count}`)));
      expect(await batches.check(other, honest.batch), `${count} under another id`).to.equal(
        undefined,
      );
      expect((await batches.check(honest.batchId, honest.batch))?.record).to.deep.equal(
        honest.batch,
      );
    }
  });
});
