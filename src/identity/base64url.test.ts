import { expect } from '@esm-bundle/chai';
import { decodeBase64url, encodeBase64url, isBase64urlOf } from './base64url';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The browser's standard base64, turned into unpadded base64url: an independent reference. */
function reference(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
}

describe('base64url', () => {
  it('encodes the RFC 4648 test vectors without padding', () => {
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'Zg'],
      ['fo', 'Zm8'],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg'],
      ['fooba', 'Zm9vYmE'],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [plain, encoded] of vectors) {
      expect(encodeBase64url(text(plain))).to.equal(encoded);
      expect(decodeBase64url(encoded)).to.deep.equal(text(plain));
    }
  });

  it('uses - and _ where standard base64 uses + and /', () => {
    const bytes = new Uint8Array([0xfb, 0xff]);
    expect(encodeBase64url(bytes)).to.equal('-_8');
    expect(decodeBase64url('-_8')).to.deep.equal(bytes);
  });

  it('round-trips every length from 0 to 99 bytes, agreeing with btoa', () => {
    for (let length = 0; length < 100; length += 1) {
      const bytes = crypto.getRandomValues(new Uint8Array(length));
      const encoded = encodeBase64url(bytes);
      expect(encoded).to.equal(reference(bytes));
      expect(decodeBase64url(encoded)).to.deep.equal(bytes);
    }
  });

  it('agrees with btoa across the short/long boundary and for a batch of hashes', () => {
    // Up to 256 characters (192 bytes) the text is built from a reused array, beyond by TextDecoder.
    const lengths = [...Array.from({ length: 12 }, (_, k) => 186 + k), 32_000, 32, 3];
    for (const length of lengths) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 73 + length) & 255);
      expect(encodeBase64url(bytes)).to.equal(reference(bytes));
    }
  });

  it('rejects padding, other alphabets, whitespace and non-ASCII', () => {
    for (const bad of [
      'Zg==',
      'Zm8=',
      'ab+c',
      'ab/c',
      'Zm9v Yg',
      ' Zm9v',
      'Zm9v\n',
      'Zm9é',
      'Zm.v',
    ]) {
      expect(decodeBase64url(bad), bad).to.equal(undefined);
    }
  });

  it('rejects a dangling single character and non-zero unused bits', () => {
    expect(decodeBase64url('Z')).to.equal(undefined);
    expect(decodeBase64url('Zm9vY')).to.equal(undefined);
    // 'Zh' and 'Zm9' would decode to the same bytes as 'Zg' and 'Zm8' if unused bits were ignored.
    expect(decodeBase64url('Zh')).to.equal(undefined);
    expect(decodeBase64url('Zm9')).to.equal(undefined);
  });
  it('tells a text that is exactly the encoding of bytes, and nothing else', () => {
    for (let length = 0; length <= 40; length += 1) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 151 + length * 7) & 255);
      const encoded = encodeBase64url(bytes);
      expect(isBase64urlOf(encoded, bytes), `length ${length}`).to.equal(true);
      expect(isBase64urlOf(`${encoded}A`, bytes)).to.equal(false);
      if (length === 0) continue;
      expect(isBase64urlOf(encoded.slice(0, -1), bytes)).to.equal(false);
      // Every single-character change, including the last character's unused bits.
      for (let at = 0; at < encoded.length; at += 1) {
        const code = encoded.charCodeAt(at);
        const other = code === 65 ? 'B' : 'A';
        const changed = encoded.slice(0, at) + other + encoded.slice(at + 1);
        expect(isBase64urlOf(changed, bytes), `${changed} for ${encoded}`).to.equal(false);
      }
    }
    // Non-canonical texts that a lenient decoder would take for the same bytes.
    expect(isBase64urlOf('Zh', text('f'))).to.equal(false);
    expect(isBase64urlOf('Zg==', text('f'))).to.equal(false);
    expect(isBase64urlOf('Zm9\u00f6', text('foo'))).to.equal(false);
  });
});
