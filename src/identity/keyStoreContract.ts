// The KeyStore contract: MemoryKeyStore and IdbKeyStore both run it.
import { expect } from '@esm-bundle/chai';
import { exportPublicKey, generateKeyPair, signBytes, verifyBytes } from './ed25519';
import type { KeyStore, StoredIdentity } from './KeyStore';

/** What a key store implementation provides to run the contract suite. */
export interface KeyStoreHarness {
  /** A store on fresh, empty storage. */
  open(): Promise<KeyStore>;
  /**
   * Another store on the same storage, as a reloaded page or a second tab would make it. A
   * store kept only in memory returns the same instance.
   */
  reopen(): Promise<KeyStore>;
  /** Destroys everything the harness made. */
  cleanup(): Promise<void>;
}

/** A new identity record, as Identity would make it. */
export async function newStoredIdentity(createdAt = Date.now()): Promise<StoredIdentity> {
  return { keyPair: await generateKeyPair(), createdAt };
}

/** The raw public key of a stored identity, for comparing two of them. */
export async function publicKeyOf(identity: StoredIdentity | undefined): Promise<number[]> {
  if (!identity) throw new Error('no identity stored');
  return Array.from(await exportPublicKey(identity.keyPair.publicKey));
}

/** The KeyStore contract. */
export function keyStoreContract(name: string, makeHarness: () => KeyStoreHarness): void {
  describe(`KeyStore contract: ${name}`, () => {
    let harness: KeyStoreHarness;
    beforeEach(() => {
      harness = makeHarness();
    });
    afterEach(async () => {
      await harness.cleanup();
    });

    it('holds nothing at first', async () => {
      const store = await harness.open();
      expect(await store.load()).to.equal(undefined);
    });

    it('loads what was saved, from a reopened store too, with working keys', async () => {
      const store = await harness.open();
      const saved = await newStoredIdentity(1_700_000_000_000);
      await store.save(saved);
      const loaded = await (await harness.reopen()).load();
      if (!loaded) throw new Error('nothing loaded');
      expect(loaded.createdAt).to.equal(1_700_000_000_000);
      expect(await publicKeyOf(loaded)).to.deep.equal(await publicKeyOf(saved));
      const data = new TextEncoder().encode('signed after a reload');
      const signature = await signBytes(loaded.keyPair.privateKey, data);
      expect(await verifyBytes(saved.keyPair.publicKey, data, signature)).to.equal(true);
    });

    it('keeps the private key non-extractable', async () => {
      const store = await harness.open();
      await store.save(await newStoredIdentity());
      const loaded = await (await harness.reopen()).load();
      if (!loaded) throw new Error('nothing loaded');
      expect(loaded.keyPair.privateKey.extractable).to.equal(false);
      const outcome = await crypto.subtle.exportKey('pkcs8', loaded.keyPair.privateKey).then(
        () => 'exported',
        (error: unknown) => error,
      );
      expect(outcome).to.be.instanceOf(DOMException);
      expect((outcome as DOMException).name).to.equal('InvalidAccessError');
    });

    it('save replaces the stored identity', async () => {
      const store = await harness.open();
      await store.save(await newStoredIdentity());
      const second = await newStoredIdentity();
      await store.save(second);
      expect(await publicKeyOf(await store.load())).to.deep.equal(await publicKeyOf(second));
    });

    it('saveIfAbsent stores into an empty store and returns what it stored', async () => {
      const store = await harness.open();
      const identity = await newStoredIdentity();
      const result = await store.saveIfAbsent(identity);
      expect(await publicKeyOf(result)).to.deep.equal(await publicKeyOf(identity));
      expect(await publicKeyOf(await store.load())).to.deep.equal(await publicKeyOf(identity));
    });

    it('saveIfAbsent keeps and returns an identity already stored', async () => {
      const store = await harness.open();
      const first = await newStoredIdentity();
      await store.save(first);
      const result = await (await harness.reopen()).saveIfAbsent(await newStoredIdentity());
      expect(await publicKeyOf(result)).to.deep.equal(await publicKeyOf(first));
      expect(await publicKeyOf(await store.load())).to.deep.equal(await publicKeyOf(first));
    });

    it('concurrent saveIfAbsent calls from two stores agree on one identity', async () => {
      const a = await harness.open();
      const b = await harness.reopen();
      const [candidateA, candidateB] = [await newStoredIdentity(), await newStoredIdentity()];
      const [resultA, resultB] = await Promise.all([
        a.saveIfAbsent(candidateA),
        b.saveIfAbsent(candidateB),
      ]);
      const stored = await publicKeyOf(await a.load());
      expect(await publicKeyOf(resultA)).to.deep.equal(stored);
      expect(await publicKeyOf(resultB)).to.deep.equal(stored);
    });

    it('clear forgets the identity, and clearing an empty store is fine', async () => {
      const store = await harness.open();
      await store.clear();
      await store.save(await newStoredIdentity());
      await store.clear();
      expect(await store.load()).to.equal(undefined);
      expect(await (await harness.reopen()).load()).to.equal(undefined);
    });
  });
}
