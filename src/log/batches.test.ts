import { expect } from '@esm-bundle/chai';
import { sha256 } from '@noble/hashes/sha2.js';
import { encodeBase64url } from '../identity/base64url';
import { batchBytes, batchIdOf, entryText, leafHash } from './batches';

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
});
