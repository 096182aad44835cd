import { expect } from '@esm-bundle/chai';
import { Identity } from './Identity';
import { BackupError } from './IdentityBackup';
import { IdbKeyStore } from './IdbKeyStore';
import { MemoryKeyStore } from './MemoryKeyStore';
import { generateKeyPair } from './ed25519';
import { Verifier } from './Verifier';

async function rejection(promise: Promise<unknown>): Promise<BackupError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(BackupError);
    return error as BackupError;
  }
  throw new Error('expected a rejection');
}

describe('identity backup', () => {
  it('makes one person one user on another device: the same user id, signatures that verify', async () => {
    const laptop = await Identity.loadOrCreate(new MemoryKeyStore());
    const text = await laptop.backup('correct horse battery');
    expect(text).to.include(laptop.userId);
    // A second device, in its own IndexedDB, with an identity of its own until the import.
    const phoneStore = new IdbKeyStore({ databaseName: `backup-test-${Math.random()}` });
    const before = await Identity.loadOrCreate(phoneStore);
    expect(before.userId).to.not.equal(laptop.userId);
    const restored = await Identity.restore(phoneStore, text, 'correct horse battery');
    expect(restored.userId).to.equal(laptop.userId);
    const reloaded = await Identity.loadOrCreate(phoneStore);
    expect(reloaded.userId).to.equal(laptop.userId);
    const data = new TextEncoder().encode('hello');
    expect(await new Verifier().verify(laptop.userId, data, await reloaded.sign(data))).to.equal(
      true,
    );
    // The restored identity can be exported again from the new device.
    expect(reloaded.exportable).to.equal(true);
    await phoneStore.clear();
  });

  it('refuses a wrong passphrase, a changed file, a weak passphrase and junk, and keeps the store', async () => {
    const store = new MemoryKeyStore();
    const mine = await Identity.loadOrCreate(store);
    const other = await Identity.loadOrCreate(new MemoryKeyStore());
    const text = await other.backup('a good passphrase');
    expect((await rejection(Identity.restore(store, text, 'a bad passphrase'))).reason).to.equal(
      'wrong-passphrase',
    );
    // Someone swaps the user id shown in clear: the header is bound to the ciphertext.
    const swapped = text.replace(other.userId, mine.userId);
    expect(
      (await rejection(Identity.restore(store, swapped, 'a good passphrase'))).reason,
    ).to.equal('wrong-passphrase');
    expect((await rejection(other.backup('short'))).reason).to.equal('weak-passphrase');
    for (const junk of ['', 'null', '{"format":"x"}', '[]', 'x'.repeat(20_000)]) {
      expect((await rejection(Identity.restore(store, junk, 'a good passphrase'))).reason).to.equal(
        'format',
      );
    }
    expect((await Identity.loadOrCreate(store)).userId).to.equal(mine.userId);
  });

  it('says that an identity made non-extractable cannot be exported', async () => {
    const store = new MemoryKeyStore();
    await store.save({ keyPair: await generateKeyPair(false), createdAt: 1 });
    const old = await Identity.loadOrCreate(store);
    expect(old.exportable).to.equal(false);
    expect((await rejection(old.backup('a good passphrase'))).reason).to.equal('not-extractable');
  });
});
