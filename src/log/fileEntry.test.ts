import { expect } from '@esm-bundle/chai';
import { encodeBase64url } from '../identity/base64url';
import { attachments } from './attachments';
import { decodePayload, encodePayload } from './entryKinds';
import {
  FILE,
  MAX_FILE_BYTES,
  MAX_THUMB_BYTES,
  isViewableImage,
  type FilePayload,
} from './fileEntry';
import type { KindEntry } from './amendments';

const id = (c: string) => c.repeat(43);
const hash = encodeBase64url(new Uint8Array(32).fill(7));
const jpeg = encodeBase64url(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
const svg = encodeBase64url(new TextEncoder().encode('<svg onload="alert(1)"/>'));
const good: FilePayload = {
  kind: FILE,
  message: id('M'),
  hash,
  name: 'photo.jpg',
  type: 'image/jpeg',
  size: 1234,
  thumb: jpeg,
};
const m = (fields: unknown[]) => JSON.stringify(fields);
const fields = (p: FilePayload) => [p.message, p.hash, p.name, p.type, p.size, p.thumb];

describe('The file entry kind', () => {
  it('reads a well-formed payload', () => {
    expect(decodePayload(FILE, encodePayload(good))).to.deep.equal(good);
    expect(decodePayload(FILE, m([...fields(good).slice(0, 3), '', 1, '']))).to.deep.equal({
      ...good,
      type: '',
      size: 1,
      thumb: '',
    });
  });

  it('drops every payload that breaks a reader check', () => {
    const bad: unknown[][] = [
      fields(good).slice(0, 5),
      [...fields(good), 'extra'],
      ['short', ...fields(good).slice(1)],
      [good.message, 'B'.repeat(43), ...fields(good).slice(2)], // not canonical base64url
      [good.message, hash, '', ...fields(good).slice(3)],
      [good.message, hash, ' padded ', ...fields(good).slice(3)],
      [good.message, hash, '../etc/passwd', ...fields(good).slice(3)],
      [good.message, hash, 'a\nb', ...fields(good).slice(3)],
      [good.message, hash, 'x'.repeat(256), ...fields(good).slice(3)],
      [good.message, hash, 'f', 'Image/JPEG', 1, ''],
      [good.message, hash, 'f', 'text/html; charset=utf-8', 1, ''],
      [good.message, hash, 'f', 'image/png', 0, ''],
      [good.message, hash, 'f', 'image/png', 1.5, ''],
      [good.message, hash, 'f', 'image/png', MAX_FILE_BYTES + 1, ''],
      [good.message, hash, 'f', 'image/png', '12', ''],
      [good.message, hash, 'f', 'image/svg+xml', 10, svg], // a thumbnail is raster only
      [
        good.message,
        hash,
        'f',
        'image/png',
        10,
        encodeBase64url(new Uint8Array(MAX_THUMB_BYTES + 1).fill(0xff)),
      ],
    ];
    for (const payload of bad)
      expect(decodePayload(FILE, m(payload)), m(payload)).to.equal(undefined);
  });

  it('shows as an image only a viewable type whose bytes are of that format', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]);
    expect(isViewableImage('image/png', png)).to.equal(true);
    expect(isViewableImage('image/jpeg', png)).to.equal(false);
    expect(isViewableImage('image/svg+xml', new TextEncoder().encode('<svg/>'))).to.equal(false);
    expect(isViewableImage('image/png', new TextEncoder().encode('<svg/>'))).to.equal(false);
  });
});

describe('Attachments: which file a message carries', () => {
  const alice = id('a');
  const mallory = id('z');
  const messages = new Map([
    [id('M'), { userId: alice }],
    [id('N'), { userId: alice, kind: 'edit' }],
  ]);
  const entry = (c: string, userId: string, payload: FilePayload, clock: number): KindEntry => ({
    id: id(c),
    userId,
    message: encodePayload(payload),
    clock,
    kind: FILE,
  });

  it('counts only the author of the message, on a chat message; the first in order wins', () => {
    const later = { ...good, name: 'later.jpg' };
    const forged = { ...good, name: 'forged.html', type: 'text/html' };
    const onKind = { ...good, message: id('N') };
    const kinds = [
      entry('1', mallory, forged, 1),
      entry('2', alice, good, 2),
      entry('3', alice, later, 3),
      entry('4', alice, onKind, 4),
    ];
    const found = attachments(kinds, (i) => messages.get(i));
    expect([...found.keys()]).to.deep.equal([id('M')]);
    expect(found.get(id('M'))?.name).to.equal('photo.jpg');
    // Arrival order does not matter.
    expect(attachments([...kinds].reverse(), (i) => messages.get(i)).get(id('M'))?.name).to.equal(
      'photo.jpg',
    );
  });
});
