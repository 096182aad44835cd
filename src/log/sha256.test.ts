import { expect } from '@esm-bundle/chai';
import { sha256 as noble } from '@noble/hashes/sha2.js';
import { sha256, sha256Into } from './sha256';

const hex = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** Deterministic bytes (a linear congruential generator), so a failure names its input. */
function bytesOf(length: number, seed: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i += 1) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

describe('sha256', () => {
  it('gives the FIPS 180-4 test vectors', () => {
    const text = (s: string): Uint8Array => new TextEncoder().encode(s);
    expect(hex(sha256(text('')))).to.equal(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(hex(sha256(text('abc')))).to.equal(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(hex(sha256(text('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).to.equal(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('agrees with @noble/hashes at every length up to 300 bytes, and on long inputs', () => {
    for (let length = 0; length <= 300; length += 1) {
      const input = bytesOf(length, length + 1);
      expect(hex(sha256(input)), `length ${length}`).to.equal(hex(noble(input)));
    }
    for (const length of [1000, 4096, 65_537, 1_000_003]) {
      const input = bytesOf(length, length);
      expect(hex(sha256(input)), `length ${length}`).to.equal(hex(noble(input)));
    }
  });

  it('writes the digest of a prefix where it is told, and nothing else', () => {
    const input = bytesOf(300, 11);
    for (const length of [0, 55, 56, 64, 100, 300]) {
      const out = new Uint8Array(100).fill(0xee);
      sha256Into(input, length, out, 33);
      expect(hex(out.subarray(33, 65)), `length ${length}`).to.equal(
        hex(noble(input.subarray(0, length))),
      );
      expect([...out.subarray(0, 33), ...out.subarray(65)].every((b) => b === 0xee)).to.equal(true);
    }
  });

  it('agrees with WebCrypto, one call after another (no state carried over)', async () => {
    for (const length of [0, 55, 56, 63, 64, 119, 120, 200, 33_000]) {
      const input = bytesOf(length, 7 * length + 3);
      const expected = new Uint8Array(await crypto.subtle.digest('SHA-256', input));
      expect(hex(sha256(input)), `length ${length}`).to.equal(hex(expected));
    }
  });
});
