import { expect } from '@esm-bundle/chai';
import { encodeBase64url } from '../identity/base64url';
import { Side, connect, later } from '../testkit/fileLinks';
import type { FileLink } from './FileLinks';
import { FetchFailed, FileTransfer, sha256 } from './FileTransfer';
import {
  CHUNK_SIZE,
  chunkRange,
  decodeFileMessage,
  encodeChunk,
  encodeMissing,
  encodeRequest,
} from './wire';

/**
 * A hostile peer: answers every request of `victim` with `junk(index, length)` instead of the
 * file's bytes, and sprays chunks nobody asked for.
 */
function hostile(victim: Side, junk: 'wrong-bytes' | 'silent' | 'missing', size = 0): FileLink {
  const link: FileLink = {
    bufferedAmount: 0,
    send: (data) => {
      const request = decodeFileMessage(data);
      if (request?.type !== 'request') return;
      // Unrequested: other ids, and indexes outside the run.
      later(() => victim.deliver(link, encodeChunk(request.id ^ 1, 0, new Uint8Array(10))));
      later(() => victim.deliver(link, encodeChunk(request.id, 1_000_000, new Uint8Array(10))));
      if (junk === 'silent') return;
      if (junk === 'missing') {
        later(() => victim.deliver(link, encodeMissing(request.id)));
        return;
      }
      for (let i = request.first; i < request.first + request.count; i += 1) {
        // The right lengths, the wrong bytes.
        const [start, end] = chunkRange(size, i);
        const bytes = new Uint8Array(end - start).fill(0x41);
        later(() => victim.deliver(link, encodeChunk(request.id, i, bytes)));
      }
    },
  };
  victim.peers.push(link);
  return link;
}

function randomBytes(size: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i += 65536) crypto.getRandomValues(out.subarray(i, i + 65536));
  return out;
}

describe('FileTransfer', () => {
  const made: FileTransfer[] = [];
  afterEach(() => {
    for (const transfer of made.splice(0)) transfer.destroy();
  });

  async function sharing(bytes: Uint8Array<ArrayBuffer>) {
    const hash = encodeBase64url(await sha256(bytes));
    const sender = new Side();
    const reader = new Side();
    const files = new Map([[hash, new Blob([bytes])]]);
    const sent: number[] = [];
    made.push(
      new FileTransfer(
        sender,
        { get: (h) => Promise.resolve(files.get(h)) },
        { sent: (h, index) => h === hash && sent.push(index) },
      ),
    );
    const fetcher = new FileTransfer(
      reader,
      { get: () => Promise.resolve(undefined) },
      {
        stallMs: 300,
      },
    );
    made.push(fetcher);
    return { hash, sender, reader, fetcher, sent };
  }

  it('asks the peer of its turn first, so fetches side by side spread over the peers', async () => {
    const bytes = randomBytes(CHUNK_SIZE * 3);
    const hash = encodeBase64url(await sha256(bytes));
    const reader = new Side();
    const sentBy = [0, 0];
    for (const at of [0, 1]) {
      const holder = new Side();
      connect(reader, holder);
      made.push(
        new FileTransfer(
          holder,
          { get: () => Promise.resolve(new Blob([bytes])) },
          { sent: () => (sentBy[at] = (sentBy[at] ?? 0) + 1) },
        ),
      );
    }
    const fetcher = new FileTransfer(reader, { get: () => Promise.resolve(undefined) });
    made.push(fetcher);
    const both = await Promise.all(
      [0, 1].map((turn) => fetcher.fetch(hash, bytes.byteLength, undefined, undefined, turn)),
    );
    for (const got of both) expect(got).to.deep.equal(bytes);
    expect(sentBy).to.deep.equal([3, 3]);
    // Turn 2 comes round to the first peer again.
    await fetcher.fetch(hash, bytes.byteLength, undefined, undefined, 2);
    expect(sentBy).to.deep.equal([6, 3]);
  });

  it('fetches a file in chunks from a peer that has it, with progress', async () => {
    const bytes = randomBytes(CHUNK_SIZE * 70 + 123);
    const { hash, sender, reader, fetcher, sent } = await sharing(bytes);
    connect(reader, sender);
    const seen: number[] = [];
    const got = await fetcher.fetch(hash, bytes.byteLength, (n) => seen.push(n));
    expect(got).to.deep.equal(bytes);
    expect(seen.at(-1)).to.equal(bytes.byteLength);
    expect(seen.length).to.equal(71);
    // The sender was told of every chunk it sent (its side's progress).
    expect(new Set(sent).size).to.equal(71);
  });

  it('refuses bytes that do not match the hash, and takes them from an honest peer', async () => {
    const bytes = randomBytes(CHUNK_SIZE * 3 + 5);
    const { hash, sender, reader, fetcher } = await sharing(bytes);
    hostile(reader, 'wrong-bytes', bytes.byteLength);
    let refused: unknown;
    try {
      await fetcher.fetch(hash, bytes.byteLength);
    } catch (error) {
      refused = error;
    }
    expect(refused).to.be.instanceOf(FetchFailed);
    expect((refused as FetchFailed).reason).to.equal('mismatch');
    expect((refused as Error).message).to.match(/^Refused: .* do not match/);
    expect(fetcher.stats.mismatched).to.equal(1);
    connect(reader, sender);
    expect(await fetcher.fetch(hash, bytes.byteLength)).to.deep.equal(bytes);
    expect(fetcher.stats.dropped).to.be.greaterThan(0);
  });

  it('moves on from a peer that does not have the file or stops answering', async () => {
    const bytes = randomBytes(CHUNK_SIZE + 1);
    const { hash, sender, reader, fetcher } = await sharing(bytes);
    hostile(reader, 'missing');
    hostile(reader, 'silent');
    connect(reader, sender);
    expect(await fetcher.fetch(hash, bytes.byteLength)).to.deep.equal(bytes);
  });

  it('says so when no peer has the file', async () => {
    const { reader, fetcher } = await sharing(randomBytes(10));
    hostile(reader, 'missing');
    let refused: unknown;
    try {
      await fetcher.fetch(encodeBase64url(new Uint8Array(32)), 10);
    } catch (error) {
      refused = error;
    }
    expect((refused as FetchFailed).reason).to.equal('unavailable');
  });

  it('answers junk and requests for unknown files without harm', async () => {
    const bytes = randomBytes(CHUNK_SIZE * 2);
    const { hash, sender, reader, fetcher } = await sharing(bytes);
    connect(reader, sender);
    const attacker: FileLink = { bufferedAmount: 0, send: () => undefined };
    const answers: Uint8Array[] = [];
    const spy: FileLink = { bufferedAmount: 0, send: (data) => answers.push(data) };
    // Junk, stray chunks and a request for a file the sender does not keep.
    sender.deliver(attacker, new Uint8Array([7, 7, 7]));
    sender.deliver(attacker, encodeChunk(5, 0, new Uint8Array(100)));
    sender.deliver(spy, encodeRequest({ id: 9, first: 0, count: 1, hash: new Uint8Array(32) }));
    expect(await fetcher.fetch(hash, bytes.byteLength)).to.deep.equal(bytes);
    expect(answers.map((a) => decodeFileMessage(a))).to.deep.equal([{ type: 'missing', id: 9 }]);
  });
});
