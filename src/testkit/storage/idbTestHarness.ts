// Test support, not part of the app: a store over a real ChatDatabase for the contract suites,
// which open it fresh, reopen it as a reload would, and delete it afterwards.
import { deleteDB } from 'idb';
import { openChatDatabase, type ChatDatabase } from '../../storage/ChatDatabase';

/** What the store contract suites drive. */
export interface StoreHarness<T> {
  /** A store over a fresh, empty database. */
  open(): Promise<T>;
  /** A reload: the old connections close and a new one opens on the same data. */
  reopen(): Promise<T>;
  /** Closes everything and deletes the database. */
  cleanup(): Promise<void>;
}

/** A harness factory for stores made by `wrap` over the database named `name`. */
export function idbHarness<T>(
  name: string,
  wrap: (db: ChatDatabase) => T | Promise<T>,
): () => StoreHarness<T> {
  return () => {
    const connections: ChatDatabase[] = [];
    const connect = async (): Promise<T> => {
      const db = await openChatDatabase({ name });
      connections.push(db);
      return wrap(db);
    };
    const closeAll = (): void => {
      for (const db of connections.splice(0)) db.close();
    };
    return {
      open: async () => {
        await deleteDB(name);
        return connect();
      },
      reopen: async () => {
        closeAll();
        return connect();
      },
      cleanup: async () => {
        closeAll();
        await deleteDB(name);
      },
    };
  };
}

/**
 * For a describe block: a fresh, empty chat database named `name` before each test, closed
 * and deleted after it. Returns a getter for the current connection.
 */
export function freshDatabase(name: string): () => ChatDatabase {
  let db: ChatDatabase | undefined;
  beforeEach(async () => {
    await deleteDB(name);
    db = await openChatDatabase({ name });
  });
  afterEach(async () => {
    db?.close();
    db = undefined;
    await deleteDB(name);
  });
  return () => {
    if (!db) throw new Error('freshDatabase: used outside a test');
    return db;
  };
}
