import { expect } from '@esm-bundle/chai';
import { sha256 } from '@noble/hashes/sha2.js';
import { leafHash } from './batches';
import { canonicalBytes } from './schema';

describe('leafHash', () => {
  it('is SHA-256 of the canonical bytes, for any text and length', () => {
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
        unixTime: 1_763_000_000_000,
        clock: 1_763_000_000_001,
        message,
      };
      expect(leafHash(entry)).to.deep.equal(sha256(canonicalBytes(entry)));
    }
  });
});
