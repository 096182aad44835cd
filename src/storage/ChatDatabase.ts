import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { ChatEvent } from '../hub/events';
import { StorageUnavailableError } from './errors';

/** Default name of the database that holds events, rooms and settings. */
export const CHAT_DATABASE = 'meshchat-chat';
/** Schema version of {@link CHAT_DATABASE}. */
export const CHAT_DATABASE_VERSION = 1;

/** An event record as written. Read back as `unknown` and validated: a disk can hold anything. */
export interface EventRecord {
  readonly order: number;
  readonly event: ChatEvent;
}

/** The object stores and indexes of the chat database (version 1). */
export interface ChatSchema extends DBSchema {
  /** Key [chatroomId, order, id]: a room's history is one contiguous, sorted key range. */
  events: {
    key: [string, number, string];
    value: EventRecord;
    indexes: {
      /** Unique: one record per event id and room, whatever its order key. */
      byId: [string, string];
    };
  };
  /** Joined rooms, by roomId. */
  rooms: { key: string; value: unknown };
  /** Settings, one record per key. */
  settings: { key: string; value: unknown };
}

/** An open connection to the chat database. */
export type ChatDatabase = IDBPDatabase<ChatSchema>;

/** Options of {@link openChatDatabase}. */
export interface OpenChatDatabaseOptions {
  /** Database name; {@link CHAT_DATABASE} unless given (tests use their own). */
  readonly name?: string;
  /** How long opening may take before IndexedDB counts as unavailable (default 5 s). */
  readonly timeoutMs?: number;
  /** Told when the connection goes away under us: another tab upgrades, or data is cleared. */
  readonly onClosed?: (error: unknown) => void;
}

/**
 * Opens (creating or upgrading) the chat database. Rejects with StorageUnavailableError when
 * IndexedDB is missing or refuses (some private windows), or does not answer in time.
 */
export async function openChatDatabase(
  options: OpenChatDatabaseOptions = {},
): Promise<ChatDatabase> {
  const name = options.name ?? CHAT_DATABASE;
  const onClosed = options.onClosed ?? (() => undefined);
  return withOpenTimeout(
    () =>
      openDB<ChatSchema>(name, CHAT_DATABASE_VERSION, {
        upgrade(db, oldVersion) {
          if (oldVersion < 1) {
            const events = db.createObjectStore('events', {
              keyPath: ['event.chatroomId', 'order', 'event.id'],
            });
            // The only index: each one costs write speed (measured in Chromium: no index
            // 17k events/s, this one 13k/s, two more for unread counts 7k/s), and unread
            // counts read the key range after the last-read position instead.
            events.createIndex('byId', ['event.chatroomId', 'event.id'], { unique: true });
            db.createObjectStore('rooms', { keyPath: 'roomId' });
            db.createObjectStore('settings');
          }
        },
        // Another tab wants a newer version, or the database is being deleted: step aside. Our
        // next write fails with InvalidStateError and storage turns degraded ('closed').
        blocking(_current, _blocked, event) {
          (event.target as IDBDatabase).close();
          onClosed(new DOMException('closed for another connection', 'InvalidStateError'));
        },
        terminated() {
          onClosed(new DOMException('closed by the browser', 'InvalidStateError'));
        },
      }),
    name,
    options.timeoutMs ?? 5000,
  );
}

/**
 * Runs an IndexedDB open with a deadline, mapping "IndexedDB is not there or says no" to
 * StorageUnavailableError. A connection that opens after the deadline is closed at once.
 */
export async function withOpenTimeout<T extends { close(): void }>(
  open: () => Promise<T>,
  name: string,
  timeoutMs: number,
): Promise<T> {
  if (typeof indexedDB === 'undefined') {
    throw new StorageUnavailableError('IndexedDB is not available in this browser context');
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timedOut = false;
  const opening = open();
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(new StorageUnavailableError(`opening database ${name} took over ${timeoutMs} ms`));
    }, timeoutMs);
  });
  opening.then(
    (db) => {
      if (timedOut) db.close();
    },
    () => undefined,
  );
  try {
    return await Promise.race([opening, deadline]);
  } catch (error) {
    if (error instanceof StorageUnavailableError) throw error;
    throw new StorageUnavailableError(`cannot open database ${name}: ${describe(error)}`, {
      cause: error,
    });
  } finally {
    clearTimeout(timer);
  }
}

function describe(error: unknown): string {
  return error instanceof Error || error instanceof DOMException
    ? `${error.name}: ${error.message}`
    : String(error);
}
