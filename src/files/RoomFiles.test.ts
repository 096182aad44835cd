import { expect } from '@esm-bundle/chai';
import { encodeBase64url } from '../identity/base64url';
import { Side, connect } from '../testkit/fileLinks';
import { FileStore } from './FileStore';
import { FileTransfer, sha256 } from './FileTransfer';
import { RoomFiles, type SealedSource } from './RoomFiles';

/** A file store that counts its reads. */
class CountingStore extends FileStore {
  reads = 0;
  override get(room: string, hash: string): Promise<Blob | undefined> {
    this.reads += 1;
    return super.get(room, hash);
  }
}

describe('RoomFiles', () => {
  it('serves a sealed segment held in memory without reading storage', async () => {
    const bytes = crypto.getRandomValues(new Uint8Array(40_000));
    const hash = encodeBase64url(await sha256(bytes));
    const store = new CountingStore();
    const reads = { held: 0, get: 0 };
    const sealed: SealedSource = {
      held: (h) => ((reads.held += 1), h === hash ? bytes : undefined),
      get: () => ((reads.get += 1), Promise.resolve(undefined)),
    };
    const [server, client] = [new Side(), new Side()];
    connect(server, client);
    const files = new RoomFiles('room-files-test', store, server, sealed);
    const transfer = new FileTransfer(client, { get: () => Promise.resolve(undefined) });
    try {
      const fetched = await transfer.fetch(hash, bytes.length);
      expect(Array.from(fetched)).to.deep.equal(Array.from(bytes));
      expect(store.reads, 'file storage reads').to.equal(0);
      expect(reads.get, 'segment storage reads').to.equal(0);
      expect(reads.held).to.be.greaterThan(0);
    } finally {
      transfer.destroy();
      files.destroy();
    }
  });

  it('serves what is not held from the file store, then from stored segments', async () => {
    const segment = crypto.getRandomValues(new Uint8Array(5_000));
    const hash = encodeBase64url(await sha256(segment));
    const store = new CountingStore();
    const sealed: SealedSource = {
      held: () => undefined,
      get: (h) => Promise.resolve(h === hash ? segment : undefined),
    };
    const [server, client] = [new Side(), new Side()];
    connect(server, client);
    const files = new RoomFiles('room-files-test', store, server, sealed);
    const transfer = new FileTransfer(client, { get: () => Promise.resolve(undefined) });
    try {
      expect(Array.from(await transfer.fetch(hash, segment.length))).to.deep.equal(
        Array.from(segment),
      );
      expect(store.reads).to.equal(1);
    } finally {
      transfer.destroy();
      files.destroy();
    }
  });
});
