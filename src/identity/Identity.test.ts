import { expect } from '@esm-bundle/chai';
import { deleteDB, openDB } from 'idb';
import { exportPublicKey } from './ed25519';
import { IDENTITY_DATABASE, IdbKeyStore } from './IdbKeyStore';
import { Identity } from './Identity';
import type { KeyStore, StoredIdentity } from './KeyStore';
import { KeyStoreError } from './KeyStore';
import { newStoredIdentity, publicKeyOf } from './keyStoreContract';
import { MemoryKeyStore } from './MemoryKeyStore';
import { isUserId, userIdFromPublicKey } from './UserId';
import { Verifier } from './Verifier';

/** A store that fails like IndexedDB does: on load, or on every write. */
class FailingKeyStore implements KeyStore {
  writes = 0;
  constructor(
    private readonly failOn: 'load' | 'write',
    private readonly error: DOMException,
  ) {}
  load(): Promise<StoredIdentity | undefined> {
    return this.failOn === 'load' ? Promise.reject(this.error) : Promise.resolve(undefined);
  }
  save(): Promise<void> {
    this.writes += 1;
    return Promise.reject(this.error);
  }
  saveIfAbsent(): Promise<StoredIdentity> {
    this.writes += 1;
    return Promise.reject(this.error);
  }
  clear(): Promise<void> {
    return Promise.resolve();
  }
}

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

async function expectWorks(identity: Identity): Promise<void> {
  expect(isUserId(identity.userId)).to.equal(true);
  const data = bytes('still works');
  const signature = await identity.sign(data);
  expect(await new Verifier().verify(identity.userId, data, signature)).to.equal(true);
}

describe('Identity', () => {
  beforeEach(() => deleteDB(IDENTITY_DATABASE));
  afterEach(() => deleteDB(IDENTITY_DATABASE));

  it('is made and saved on first use; its userId is its stored public key', async () => {
    const store = new IdbKeyStore();
    const identity = await Identity.loadOrCreate(store);
    expect(identity.persistent).to.equal(true);
    expect(identity.storageError).to.equal(undefined);
    const stored = await store.load();
    expect(stored).to.not.equal(undefined);
    if (!stored) return;
    const raw = await exportPublicKey(stored.keyPair.publicKey);
    expect(identity.userId).to.equal(userIdFromPublicKey(raw));
    expect(identity.createdAt).to.equal(stored.createdAt);
  });

  it('is the same user after a reload (a new store and Identity on the same database)', async () => {
    const first = await Identity.loadOrCreate(new IdbKeyStore());
    const signature = await first.sign(bytes('before reload'));
    const reloaded = await Identity.loadOrCreate(new IdbKeyStore());
    expect(reloaded.userId).to.equal(first.userId);
    expect(reloaded.persistent).to.equal(true);
    const verifier = new Verifier();
    expect(await verifier.verify(reloaded.userId, bytes('before reload'), signature)).to.equal(
      true,
    );
    const after = await reloaded.sign(bytes('after reload'));
    expect(await new Verifier().verify(first.userId, bytes('after reload'), after)).to.equal(true);
  });

  it('two tabs starting at once become one user', async () => {
    const [a, b, c] = await Promise.all([
      Identity.loadOrCreate(new IdbKeyStore()),
      Identity.loadOrCreate(new IdbKeyStore()),
      Identity.loadOrCreate(new IdbKeyStore()),
    ]);
    expect(b.userId).to.equal(a.userId);
    expect(c.userId).to.equal(a.userId);
    expect(
      userIdFromPublicKey(Uint8Array.from(await publicKeyOf(await new IdbKeyStore().load()))),
    ).to.equal(a.userId);
  });

  it('different stores are different users', async () => {
    const a = await Identity.loadOrCreate(new MemoryKeyStore());
    const b = await Identity.loadOrCreate(new MemoryKeyStore());
    expect(a.userId).to.not.equal(b.userId);
  });

  it('keeps its private key exportable, so that the user can back it up', async () => {
    // The trade: script on this origin could read the key, as it can already sign with it;
    // without it, a cleared browser or a second device means a new user in every room.
    await Identity.loadOrCreate(new IdbKeyStore());
    const stored = await new IdbKeyStore().load();
    if (!stored) throw new Error('nothing stored');
    expect(stored.keyPair.privateKey.extractable).to.equal(true);
    expect((await Identity.loadOrCreate(new IdbKeyStore())).exportable).to.equal(true);
  });

  it('signs with 64-byte signatures that verify, and are over exactly the data', async () => {
    const identity = await Identity.loadOrCreate(new IdbKeyStore());
    const data = bytes('{"id":"m1","text":"hello"}');
    const signature = await identity.sign(data);
    expect(signature).to.be.instanceOf(Uint8Array);
    expect(signature.length).to.equal(64);
    const verifier = new Verifier();
    expect(await verifier.verify(identity.userId, data, signature)).to.equal(true);
    expect(
      await verifier.verify(identity.userId, bytes('{"id":"m1","text":"hellO"}'), signature),
    ).to.equal(false);
  });

  it('falls back to an in-memory identity when saving exceeds the quota', async () => {
    const quota = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    const store = new FailingKeyStore('write', quota);
    const identity = await Identity.loadOrCreate(store);
    expect(store.writes).to.be.above(0);
    expect(identity.persistent).to.equal(false);
    expect(identity.storageError).to.equal(quota);
    expect(identity.storageError?.name).to.equal('QuotaExceededError');
    await expectWorks(identity);
  });

  it('falls back to an in-memory identity when IndexedDB is unavailable', async () => {
    const unavailable = new DOMException('IndexedDB is unavailable here.', 'InvalidStateError');
    const store = new FailingKeyStore('load', unavailable);
    const identity = await Identity.loadOrCreate(store);
    expect(store.writes).to.equal(0);
    expect(identity.persistent).to.equal(false);
    expect(identity.storageError).to.equal(unavailable);
    await expectWorks(identity);
  });

  it('falls back when real IndexedDB refuses to open the database', async () => {
    // A database already at a higher version makes IdbKeyStore's open fail with VersionError.
    const db = await openDB(IDENTITY_DATABASE, 5);
    db.close();
    const identity = await Identity.loadOrCreate(new IdbKeyStore());
    expect(identity.persistent).to.equal(false);
    expect(identity.storageError?.name).to.equal('VersionError');
    await expectWorks(identity);
  });

  it('leaves a record it does not understand alone and runs in memory', async () => {
    const newer = { version: 2, ...(await newStoredIdentity()) };
    const db = await openDB(IDENTITY_DATABASE, 1, {
      upgrade: (database) => database.createObjectStore('keys'),
    });
    await db.put('keys', newer, 'self');
    db.close();
    const identity = await Identity.loadOrCreate(new IdbKeyStore());
    expect(identity.persistent).to.equal(false);
    expect(identity.storageError).to.be.instanceOf(KeyStoreError);
    await expectWorks(identity);
    const again = await openDB(IDENTITY_DATABASE);
    const kept = (await again.get('keys', 'self')) as StoredIdentity & { version: number };
    again.close();
    expect(kept.version).to.equal(2);
    expect(await publicKeyOf(kept)).to.deep.equal(await publicKeyOf(newer));
  });

  it('shows a fingerprint derived from its userId', async () => {
    const identity = await Identity.loadOrCreate(new MemoryKeyStore());
    expect(identity.fingerprint).to.match(/^[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$/);
  });
});
