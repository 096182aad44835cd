// Where the local user's X25519 key pair for direct messages is kept: IndexedDB in the app
// (the private key non-extractable, structured-cloned as a CryptoKey), memory in tests.
import type { IDBPDatabase } from 'idb';
import { openDB } from 'idb';

/** Default database of {@link IdbDhKeyStore}; apart from the signing identity's database. */
export const DH_KEY_DATABASE = 'meshchat-dh-keys';

/** The stored key agreement key pair. */
export interface StoredDhKey {
  readonly keyPair: CryptoKeyPair;
  readonly createdAt: number;
}

/** One key pair per store; `saveIfAbsent` keeps two tabs from making two. */
export interface DhKeyStore {
  load(): Promise<StoredDhKey | undefined>;
  /** Stores `key` unless one is stored; resolves to the stored one. */
  saveIfAbsent(key: StoredDhKey): Promise<StoredDhKey>;
}

/** True for a usable stored X25519 key pair. */
export function isStoredDhKey(value: unknown): value is StoredDhKey {
  if (typeof value !== 'object' || value === null) return false;
  const { keyPair, createdAt } = value as { keyPair?: Partial<CryptoKeyPair>; createdAt?: unknown };
  const { publicKey, privateKey } = keyPair ?? {};
  return (
    typeof createdAt === 'number' &&
    publicKey instanceof CryptoKey &&
    privateKey instanceof CryptoKey &&
    publicKey.algorithm.name === 'X25519' &&
    privateKey.algorithm.name === 'X25519' &&
    privateKey.type === 'private' &&
    privateKey.usages.includes('deriveBits')
  );
}

/** The fake: one key pair in a field. */
export class MemoryDhKeyStore implements DhKeyStore {
  private stored: StoredDhKey | undefined;

  load(): Promise<StoredDhKey | undefined> {
    return Promise.resolve(this.stored);
  }

  saveIfAbsent(key: StoredDhKey): Promise<StoredDhKey> {
    this.stored ??= key;
    return Promise.resolve(this.stored);
  }
}

const STORE = 'keys';
const KEY = 'dh';

/** The real store: database `meshchat-dh-keys`, object store `keys`, one record. */
export class IdbDhKeyStore implements DhKeyStore {
  readonly databaseName: string;

  constructor(options: { databaseName?: string } = {}) {
    this.databaseName = options.databaseName ?? DH_KEY_DATABASE;
  }

  async load(): Promise<StoredDhKey | undefined> {
    const record: unknown = await this.use((db) => db.get(STORE, KEY));
    if (record === undefined) return undefined;
    if (!isStoredDhKey(record)) throw new Error('stored DH key is damaged');
    return record;
  }

  async saveIfAbsent(key: StoredDhKey): Promise<StoredDhKey> {
    // One readwrite transaction, so two tabs starting together keep one key pair.
    const existing: unknown = await this.use(async (db) => {
      const tx = db.transaction(STORE, 'readwrite');
      const found: unknown = await tx.store.get(KEY);
      if (found === undefined) await tx.store.put(key, KEY);
      await tx.done;
      return found;
    });
    if (existing === undefined) return key;
    if (!isStoredDhKey(existing)) throw new Error('stored DH key is damaged');
    return existing;
  }

  private async use<T>(work: (db: IDBPDatabase) => Promise<T>): Promise<T> {
    const db = await openDB(this.databaseName, 1, {
      upgrade(database) {
        database.createObjectStore(STORE);
      },
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
