import { expect } from '@esm-bundle/chai';
import { Identity } from '../identity/Identity';
import { MemoryKeyStore } from '../identity/MemoryKeyStore';
import { generateKeyPair } from '../identity/ed25519';
import type { PersistenceState } from '../identity/persistentStorage';
import { IdentityAccount, NOT_EXPORTABLE_NOTE } from './IdentityAccount';
import { poll } from '../testkit/waitFor';

/** An account over a real Identity in `store`; `reloads` counts app restarts. */
async function accountIn(store: MemoryKeyStore, persist: () => Promise<PersistenceState>) {
  const identity = await Identity.loadOrCreate(store);
  const reloads = { count: 0 };
  const account = new IdentityAccount({
    identity,
    restore: async (text, passphrase) => {
      await Identity.restore(store, text, passphrase);
    },
    persist,
    reload: () => (reloads.count += 1),
  });
  return { identity, account, reloads };
}

describe('IdentityAccount', () => {
  it('exports on one device and imports on another: that device is then the same user', async () => {
    const laptop = await accountIn(new MemoryKeyStore(), () => Promise.resolve('persistent'));
    const phoneStore = new MemoryKeyStore();
    const phone = await accountIn(phoneStore, () => Promise.resolve('persistent'));
    expect(phone.identity.userId).to.not.equal(laptop.identity.userId);

    const text = await laptop.account.exportBackup('correct horse battery');
    expect(text, laptop.account.problem).to.be.a('string');
    expect(await phone.account.importBackup(text ?? '', 'correct horse battery')).to.equal(true);
    expect(phone.reloads.count).to.equal(1);
    // What the phone's app loads after its restart:
    const restarted = await Identity.loadOrCreate(phoneStore);
    expect(restarted.userId).to.equal(laptop.identity.userId);
  });

  it('says what went wrong and changes nothing for a wrong passphrase, a bad file or none', async () => {
    const laptop = await accountIn(new MemoryKeyStore(), () => Promise.resolve('persistent'));
    const store = new MemoryKeyStore();
    const phone = await accountIn(store, () => Promise.resolve('persistent'));
    const text = (await laptop.account.exportBackup('correct horse battery')) ?? '';

    expect(await phone.account.importBackup(text, 'wrong horse battery')).to.equal(false);
    expect(phone.account.problem).to.contain('passphrase does not open');
    expect(await phone.account.importBackup('{"hello":1}', 'whatever passphrase')).to.equal(false);
    expect(phone.account.problem).to.contain('not a MeshChat identity backup');
    expect(await phone.account.importBackup('', 'whatever passphrase')).to.equal(false);
    expect(phone.account.problem).to.contain('Choose the backup file');
    expect(phone.reloads.count).to.equal(0);
    expect((await Identity.loadOrCreate(store)).userId).to.equal(phone.identity.userId);

    expect(await laptop.account.exportBackup('short')).to.equal(undefined);
    expect(laptop.account.problem).to.contain('at least 8 characters');
  });

  it('tells the owner of an identity made before backups why it cannot be exported', async () => {
    const store = new MemoryKeyStore();
    await store.save({ keyPair: await generateKeyPair(false), createdAt: 1 });
    const { account } = await accountIn(store, () => Promise.resolve('persistent'));
    expect(account.exportable).to.equal(false);
    expect(await account.exportBackup('long enough passphrase')).to.equal(undefined);
    expect(account.problem).to.equal(NOT_EXPORTABLE_NOTE);
  });

  it('asks for persistent storage once and says what a refusal means', async () => {
    let asked = 0;
    const { account } = await accountIn(new MemoryKeyStore(), () => {
      asked += 1;
      return Promise.resolve('refused');
    });
    expect(account.storageNote).to.equal('');
    const [first, second] = await Promise.all([account.askToKeep(), account.askToKeep()]);
    expect([first, second, asked]).to.deep.equal(['refused', 'refused', 1]);
    expect(account.storageNote).to.contain('may delete your identity');
  });

  it('shows the whole key and one safety number per pair, the same on both sides', async () => {
    const ann = await accountIn(new MemoryKeyStore(), () => Promise.resolve('persistent'));
    const ben = await accountIn(new MemoryKeyStore(), () => Promise.resolve('persistent'));
    await poll(() => ann.account.digits !== '');
    expect(ann.account.digits).to.match(/^(\d{5} ){11}\d{5}$/);
    const seenByAnn = await ann.account.safetyNumberWith(ben.identity.userId);
    expect(seenByAnn).to.match(/^(\d{5} ){11}\d{5}$/);
    expect(await ben.account.safetyNumberWith(ann.identity.userId)).to.equal(seenByAnn);
    let refused = false;
    await ann.account.safetyNumberWith('not-a-user').catch(() => (refused = true));
    expect(refused).to.equal(true);
  });
});
