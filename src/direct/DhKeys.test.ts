import { expect } from '@esm-bundle/chai';
import { deleteDB } from 'idb';
import { DhKeys } from './DhKeys';
import { DH_KEY_DATABASE, IdbDhKeyStore, MemoryDhKeyStore, type DhKeyStore } from './DhKeyStore';

function storeContract(name: string, make: () => DhKeyStore, cleanup: () => Promise<void>): void {
  describe(`DhKeys over ${name}`, () => {
    afterEach(cleanup);

    it('makes one key pair and keeps it', async () => {
      const store = make();
      const first = await DhKeys.loadOrCreate(store);
      const again = await DhKeys.loadOrCreate(store);
      expect(first.publicKey).to.match(/^[A-Za-z0-9_-]{43}$/);
      expect(again.publicKey).to.equal(first.publicKey);
      expect(first.persistent).to.equal(true);
    });

    it('keeps the private key non-extractable', async () => {
      const store = make();
      await DhKeys.loadOrCreate(store);
      const stored = await store.load();
      expect(stored?.keyPair.privateKey.extractable).to.equal(false);
    });

    it('two starting together end with one key pair', async () => {
      const store = make();
      const [a, b] = await Promise.all([DhKeys.loadOrCreate(store), DhKeys.loadOrCreate(store)]);
      expect(a.publicKey).to.equal(b.publicKey);
    });
  });
}

storeContract(
  'MemoryDhKeyStore',
  () => new MemoryDhKeyStore(),
  () => Promise.resolve(),
);
storeContract(
  'IdbDhKeyStore',
  () => new IdbDhKeyStore(),
  () => deleteDB(DH_KEY_DATABASE),
);

describe('DhKeys', () => {
  it('agrees the same secret from both sides', async () => {
    const a = await DhKeys.loadOrCreate(new MemoryDhKeyStore());
    const b = await DhKeys.loadOrCreate(new MemoryDhKeyStore());
    const ab = await a.sharedSecret(b.publicKey);
    const ba = await b.sharedSecret(a.publicKey);
    expect(ab?.length).to.equal(32);
    expect(Array.from(ab ?? [])).to.deep.equal(Array.from(ba ?? []));
  });

  it('falls back to a key pair in memory when the store fails', async () => {
    const failing: DhKeyStore = {
      load: () => Promise.reject(new Error('no storage')),
      saveIfAbsent: () => Promise.reject(new Error('no storage')),
    };
    const keys = await DhKeys.loadOrCreate(failing);
    expect(keys.persistent).to.equal(false);
    expect(keys.publicKey.length).to.equal(43);
  });

  it('refuses a damaged IndexedDB record instead of using it', async () => {
    const store = new IdbDhKeyStore({ databaseName: 'meshchat-dh-test' });
    await store.saveIfAbsent({ keyPair: {} as CryptoKeyPair, createdAt: 1 }).catch(() => undefined);
    let error: unknown;
    try {
      await store.load();
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(Error);
    await deleteDB('meshchat-dh-test');
  });
});
