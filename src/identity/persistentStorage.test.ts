import { expect } from '@esm-bundle/chai';
import { persistenceMessage, requestPersistence } from './persistentStorage';

describe('requestPersistence', () => {
  it('asks once, and says what a refusal means', async () => {
    let asked = 0;
    const refusing = {
      persisted: () => Promise.resolve(false),
      persist: () => {
        asked += 1;
        return Promise.resolve(false);
      },
    };
    expect(await requestPersistence(refusing)).to.equal('refused');
    expect(asked).to.equal(1);
    expect(persistenceMessage('refused')).to.match(/delete your identity/);
    expect(persistenceMessage('refused')).to.match(/Export your identity/);
    const granted = {
      persisted: () => Promise.resolve(true),
      persist: () => Promise.resolve(true),
    };
    expect(await requestPersistence(granted)).to.equal('persistent');
    expect(await requestPersistence(null)).to.equal('unsupported');
    const broken = {
      persisted: () => Promise.reject(new Error('no')),
      persist: () => Promise.resolve(true),
    };
    expect(await requestPersistence(broken)).to.equal('refused');
  });

  it('works against the real navigator.storage', async () => {
    expect(['persistent', 'refused']).to.include(await requestPersistence());
  });
});
