// The in-memory KeyStore fake: the same contract as IdbKeyStore, gone with the page.
import type { KeyStore, StoredIdentity } from './KeyStore';

/**
 * A {@link KeyStore} that keeps the identity in a field. Share one instance to simulate
 * several tabs on one store.
 */
export class MemoryKeyStore implements KeyStore {
  private stored: StoredIdentity | undefined;

  /** {@inheritDoc KeyStore.load} */
  load(): Promise<StoredIdentity | undefined> {
    return Promise.resolve(this.stored);
  }

  /** {@inheritDoc KeyStore.save} */
  save(identity: StoredIdentity): Promise<void> {
    this.stored = identity;
    return Promise.resolve();
  }

  /** {@inheritDoc KeyStore.saveIfAbsent} */
  saveIfAbsent(identity: StoredIdentity): Promise<StoredIdentity> {
    this.stored ??= identity;
    return Promise.resolve(this.stored);
  }

  /** {@inheritDoc KeyStore.clear} */
  clear(): Promise<void> {
    this.stored = undefined;
    return Promise.resolve();
  }
}
