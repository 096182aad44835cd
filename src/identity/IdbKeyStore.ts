// The real KeyStore: the key pair as a structured-cloned CryptoKeyPair in IndexedDB, so the
// non-extractable private key survives reloads without ever being readable by script.
import type { DBSchema, IDBPDatabase } from 'idb';
import { openDB } from 'idb';
import type { KeyStore, StoredIdentity } from './KeyStore';
import { isStoredIdentity, KeyStoreError } from './KeyStore';

/** Default database name of {@link IdbKeyStore}. */
export const IDENTITY_DATABASE = 'meshchat-identity';

const STORE = 'keys';
const KEY = 'self';
const RECORD_VERSION = 1;

/** The record as stored: versioned so that a newer format is recognised and left alone. */
interface KeyRecord extends StoredIdentity {
  readonly version: number;
}

interface IdentitySchema extends DBSchema {
  keys: { key: string; value: KeyRecord };
}

/** Options of {@link IdbKeyStore}. */
export interface IdbKeyStoreOptions {
  /** Database name; {@link IDENTITY_DATABASE} unless given. */
  readonly databaseName?: string;
}

/**
 * A {@link KeyStore} in IndexedDB: database `meshchat-identity`, object store `keys`, one record.
 *
 * Each call opens and closes its own connection. Identity is read once per page load, so the
 * cost is negligible, and no connection is left open to block another tab's upgrade or a
 * deletion; there is nothing to destroy.
 *
 * `load` rejects with {@link KeyStoreError} for a record it does not understand (a newer
 * version, or damaged), so that a caller falls back instead of overwriting it.
 */
export class IdbKeyStore implements KeyStore {
  /** The IndexedDB database this store uses. */
  readonly databaseName: string;

  constructor(options: IdbKeyStoreOptions = {}) {
    this.databaseName = options.databaseName ?? IDENTITY_DATABASE;
  }

  /** {@inheritDoc KeyStore.load} */
  async load(): Promise<StoredIdentity | undefined> {
    const record = await this.use((db) => db.get(STORE, KEY));
    return record === undefined ? undefined : fromRecord(record);
  }

  /** {@inheritDoc KeyStore.save} */
  async save(identity: StoredIdentity): Promise<void> {
    await this.use((db) => db.put(STORE, toRecord(identity), KEY));
  }

  /** {@inheritDoc KeyStore.saveIfAbsent} */
  async saveIfAbsent(identity: StoredIdentity): Promise<StoredIdentity> {
    // One readwrite transaction: IndexedDB runs overlapping readwrite transactions one after
    // another, across tabs too, so exactly one caller finds the store empty.
    const record = await this.use(async (db) => {
      const tx = db.transaction(STORE, 'readwrite');
      const existing = await tx.store.get(KEY);
      if (existing === undefined) await tx.store.put(toRecord(identity), KEY);
      await tx.done;
      return existing;
    });
    return record === undefined ? identity : fromRecord(record);
  }

  /** {@inheritDoc KeyStore.clear} */
  async clear(): Promise<void> {
    await this.use((db) => db.delete(STORE, KEY));
  }

  private async use<T>(work: (db: IDBPDatabase<IdentitySchema>) => Promise<T>): Promise<T> {
    const db = await openDB<IdentitySchema>(this.databaseName, 1, {
      upgrade(database) {
        database.createObjectStore(STORE);
      },
      // Another tab wants to upgrade or delete the database: let it.
      blocking() {
        db.close();
      },
    });
    try {
      return await work(db);
    } finally {
      db.close();
    }
  }
}

function toRecord(identity: StoredIdentity): KeyRecord {
  return { version: RECORD_VERSION, keyPair: identity.keyPair, createdAt: identity.createdAt };
}

function fromRecord(record: unknown): StoredIdentity {
  const version = (record as Partial<KeyRecord> | null)?.version;
  if (version !== RECORD_VERSION) {
    throw new KeyStoreError(`stored identity has unknown record version ${String(version)}`);
  }
  if (!isStoredIdentity(record)) throw new KeyStoreError('stored identity is damaged');
  return { keyPair: record.keyPair, createdAt: record.createdAt };
}
