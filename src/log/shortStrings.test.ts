import { expect } from '@esm-bundle/chai';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { utf8TextDecoder, utf8TextEncoder } from 'lib0/string';
import * as Y from 'yjs';
import { speedUpShortStrings } from './shortStrings';

const platformEncoder = new TextEncoder();
const platformDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Strings of every kind the fast path must take or hand on: ASCII, non-ASCII, long, odd. */
const samples = [
  '',
  'a',
  'messages',
  'x'.repeat(64),
  'x'.repeat(65),
  'y'.repeat(5000),
  'héllo',
  'emoji 🙂 here',
  '\u0000\u007f',
  '\u0080',
  'lone \ud800 surrogate',
  '\ufeffBOM first',
  'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdEfG',
];

function lib0Bytes(text: string): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarString(e, text);
  const d = decoding.createDecoder(encoding.toUint8Array(e));
  return decoding.readVarUint8Array(d);
}

function lib0Read(bytes: Uint8Array): string {
  const e = encoding.createEncoder();
  encoding.writeVarUint8Array(e, bytes);
  return decoding.readVarString(decoding.createDecoder(encoding.toUint8Array(e)));
}

describe('shortStrings: the fast path for Yjs strings', () => {
  before(() => speedUpShortStrings());

  it('is what lib0 calls when Yjs writes and reads strings', () => {
    let encodes = 0;
    let decodes = 0;
    const encodeInto = utf8TextEncoder.encodeInto.bind(utf8TextEncoder);
    const decode = utf8TextDecoder?.decode.bind(utf8TextDecoder);
    utf8TextEncoder.encodeInto = (text, into) => {
      encodes += 1;
      return encodeInto(text, into);
    };
    if (utf8TextDecoder && decode) {
      utf8TextDecoder.decode = (input, options) => {
        decodes += 1;
        return decode(input, options);
      };
    }
    try {
      const doc = new Y.Doc();
      doc.getMap('messages').set('key', { m: 'text' });
      Y.applyUpdate(new Y.Doc(), Y.encodeStateAsUpdate(doc));
    } finally {
      utf8TextEncoder.encodeInto = encodeInto;
      if (utf8TextDecoder && decode) utf8TextDecoder.decode = decode;
    }
    expect(encodes).to.be.above(0);
    expect(decodes).to.be.above(0);
  });

  it('writes the bytes the platform writes, and reads them back the same', () => {
    for (const text of samples) {
      const bytes = lib0Bytes(text);
      expect([...bytes], JSON.stringify(text)).to.deep.equal([...platformEncoder.encode(text)]);
      expect(lib0Read(bytes), JSON.stringify(text)).to.equal(platformDecoder.decode(bytes));
    }
  });

  it('still refuses bytes that are not UTF-8, as lib0 does without it', () => {
    for (const bad of [[0xff], [0x61, 0xc3], [0xed, 0xa0, 0x80], [0x80, 0x61]]) {
      expect(() => lib0Read(new Uint8Array(bad)), String(bad)).to.throw(TypeError);
    }
  });

  it('leaves a Yjs state byte for byte as it was', () => {
    const doc = new Y.Doc();
    doc.clientID = 42;
    doc.transact(() => {
      samples.forEach((text, i) => doc.getMap('messages').set(`${text}#${i}`, { m: text, i }));
    });
    const update = Y.encodeStateAsUpdate(doc);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, update);
    // As UTF-8 carries them: a lone surrogate comes back as U+FFFD, with or without this.
    const utf8 = (text: string): string => platformDecoder.decode(platformEncoder.encode(text));
    const expected = Object.fromEntries(
      samples.map((text, i) => [utf8(`${text}#${i}`), { m: utf8(text), i }]),
    );
    expect(copy.getMap('messages').toJSON()).to.deep.equal(expected);
    expect(Y.encodeStateAsUpdate(copy)).to.deep.equal(update);
  });
});
