import { expect } from '@esm-bundle/chai';
import {
  CHUNK_SIZE,
  MAX_RUN,
  chunkCount,
  chunkRange,
  decodeFileMessage,
  encodeChunk,
  encodeMissing,
  encodeRequest,
} from './wire';
import { fitsQuota } from './FileStore';
import { COMPRESS_MIN_BYTES } from '../net/frames';

describe('File transfer wire: chunking', () => {
  it('splits a file into chunks that cover every byte once', () => {
    for (const size of [1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 25_000_000]) {
      const count = chunkCount(size);
      let covered = 0;
      for (let i = 0; i < count; i += 1) {
        const [start, end] = chunkRange(size, i);
        expect(start).to.equal(covered);
        expect(end - start).to.be.within(1, CHUNK_SIZE);
        covered = end;
      }
      expect(covered).to.equal(size);
    }
    expect(chunkCount(25_000_000)).to.equal(Math.ceil(25_000_000 / CHUNK_SIZE));
  });

  it('keeps a chunk message (with its side tag) below the size that is compressed or split', () => {
    const message = encodeChunk(1, 2, new Uint8Array(CHUNK_SIZE));
    expect(message.byteLength + 1).to.be.below(COMPRESS_MIN_BYTES);
  });

  it('reads back what it writes', () => {
    const hash = crypto.getRandomValues(new Uint8Array(32));
    expect(decodeFileMessage(encodeRequest({ id: 7, first: 3, count: 5, hash }))).to.deep.equal({
      type: 'request',
      id: 7,
      first: 3,
      count: 5,
      hash,
    });
    const chunk = decodeFileMessage(encodeChunk(0xffffffff, 9, new Uint8Array([1, 2, 3])));
    expect(chunk?.type).to.equal('chunk');
    if (chunk?.type === 'chunk') {
      expect([chunk.id, chunk.index, [...chunk.data]]).to.deep.equal([0xffffffff, 9, [1, 2, 3]]);
    }
    expect(decodeFileMessage(encodeMissing(4))).to.deep.equal({ type: 'missing', id: 4 });
  });

  it('refuses malformed messages', () => {
    const hash = new Uint8Array(32);
    const request = encodeRequest({ id: 1, first: 0, count: 1, hash });
    const bad = [
      new Uint8Array(0),
      new Uint8Array([9, 0, 0, 0, 0]),
      request.subarray(0, request.byteLength - 1),
      encodeRequest({ id: 1, first: 0, count: 0, hash }),
      encodeRequest({ id: 1, first: 0, count: MAX_RUN + 1, hash }),
      encodeChunk(1, 1, new Uint8Array(CHUNK_SIZE + 1)),
      new Uint8Array([2, 0, 0]),
      new Uint8Array([3, 0, 0, 0, 0, 0]),
    ];
    for (const bytes of bad) expect(decodeFileMessage(bytes)).to.equal(undefined);
  });
});

describe('File store quota', () => {
  it('lets a file in only while the room stays within its quota', () => {
    expect(fitsQuota(0, 100, 100)).to.equal(true);
    expect(fitsQuota(1, 100, 100)).to.equal(false);
    expect(fitsQuota(90, 10, 100)).to.equal(true);
  });
});
