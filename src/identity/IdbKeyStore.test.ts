import { expect } from '@esm-bundle/chai';
import { deleteDB, openDB } from 'idb';
import { IDENTITY_DATABASE, IdbKeyStore } from './IdbKeyStore';
import { KeyStoreError } from './KeyStore';
import { keyStoreContract, newStoredIdentity, publicKeyOf } from './keyStoreContract';

keyStoreContract('IdbKeyStore', () => ({
  open: async () => {
    await deleteDB(IDENTITY_DATABASE);
    return new IdbKeyStore();
  },
  reopen: () => Promise.resolve(new IdbKeyStore()),
  cleanup: () => deleteDB(IDENTITY_DATABASE),
}));

/** Writes `value` as the raw record, the way another version of the app might have. */
async function putRaw(value: unknown): Promise<void> {
  const db = await openDB(IDENTITY_DATABASE, 1, {
    upgrade: (database) => database.createObjectStore('keys'),
  });
  await db.put('keys', value, 'self');
  db.close();
}

async function loadError(store: IdbKeyStore): Promise<unknown> {
  try {
    await store.load();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('IdbKeyStore', () => {
  beforeEach(() => deleteDB(IDENTITY_DATABASE));
  afterEach(() => deleteDB(IDENTITY_DATABASE));

  it('uses the database meshchat-identity, object store keys', async () => {
    await new IdbKeyStore().save(await newStoredIdentity());
    const db = await openDB(IDENTITY_DATABASE);
    expect(Array.from(db.objectStoreNames)).to.deep.equal(['keys']);
    expect(await db.count('keys')).to.equal(1);
    db.close();
  });

  it('refuses a record from an unknown version, and saveIfAbsent leaves it alone', async () => {
    const identity = await newStoredIdentity();
    await putRaw({ version: 2, ...identity });
    const store = new IdbKeyStore();
    expect(await loadError(store)).to.be.instanceOf(KeyStoreError);
    let saveError: unknown;
    try {
      await store.saveIfAbsent(await newStoredIdentity());
    } catch (error) {
      saveError = error;
    }
    expect(saveError).to.be.instanceOf(KeyStoreError);
    const db = await openDB(IDENTITY_DATABASE);
    const raw = (await db.get('keys', 'self')) as { version: number } & typeof identity;
    db.close();
    expect(raw.version).to.equal(2);
    expect(await publicKeyOf(raw)).to.deep.equal(await publicKeyOf(identity));
  });

  it('refuses a damaged record', async () => {
    await putRaw({ version: 1, keyPair: { publicKey: 'x', privateKey: 'y' }, createdAt: 1 });
    expect(await loadError(new IdbKeyStore())).to.be.instanceOf(KeyStoreError);
  });

  it('keeps to its own database when given another name', async () => {
    const other = new IdbKeyStore({ databaseName: 'meshchat-identity-other' });
    await other.save(await newStoredIdentity());
    expect(await new IdbKeyStore().load()).to.equal(undefined);
    expect(await other.load()).to.not.equal(undefined);
    await deleteDB('meshchat-identity-other');
  });
});
