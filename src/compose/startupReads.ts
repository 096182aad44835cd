// The page's first reads from IndexedDB, started by the first module src/main.ts imports: it
// is evaluated before the rest of the app's code (the shell, the app state, the dialogs), so
// the database opens and a room link's newest stored page is read while that code evaluates.
import { parseRoute } from '../app/RoomLink';
import { STORED_PAGE_SIZE } from '../app/StoredHistory';
import { IdbKeyStore } from '../identity/IdbKeyStore';
import { Identity } from '../identity/Identity';
import type { EventStore, HistoryCursor, HistoryPage } from '../storage/EventStore';
import { ChatStorage } from '../storage/ChatStorage';

/** localStorage, or nothing where the browser refuses it (some private modes). */
export function webStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

/** What the page reads before anything else, each under way from the first module on. */
export interface StartupReads {
  readonly keyStore: IdbKeyStore;
  /** The user's identity (made and saved on a first visit). */
  readonly identity: Promise<Identity>;
  /** This device's storage. Never rejects: without IndexedDB it runs in memory (its health). */
  readonly storage: Promise<ChatStorage>;
  /**
   * A stored page of `roomId`: the newest page of a room link's room is answered by the read
   * started with the page (once); any other by a read now.
   */
  page(roomId: string, count: number, before?: HistoryCursor): Promise<HistoryPage>;
}

/**
 * `read`, with a mark on the page's performance timeline once it settles (named `meshchat:`
 * and `step`): the cold-open trace (src/bench/coldOpenTrace.ts) shows the steps of a start.
 */
function marked<T>(step: string, read: Promise<T>): Promise<T> {
  return read.finally(() => performance.mark(`meshchat:${step}`));
}

/** Starts the first reads: the identity, the storage and, on a room link, its newest page. */
export function startupReads(location: Location): StartupReads {
  performance.mark('meshchat:reads-started');
  const keyStore = new IdbKeyStore();
  // Rooms an earlier version kept in localStorage move into IndexedDB here, once.
  const legacy = webStorage();
  // The newest page is read as soon as the database is open, while the joined rooms are.
  let eventsOpen: (events: EventStore) => void = () => undefined;
  const events = new Promise<EventStore>((resolve) => {
    eventsOpen = resolve;
  });
  const storage = marked(
    'storage-open',
    ChatStorage.open({ ...(legacy ? { legacyRooms: legacy } : {}), onEvents: eventsOpen }),
  );
  const route = parseRoute(location);
  let early =
    route.kind === 'room'
      ? {
          roomId: route.roomId,
          page: marked(
            'newest-page-read',
            Promise.race([events, storage.then((opened) => opened.events)]).then((store) =>
              store.page(route.roomId, STORED_PAGE_SIZE),
            ),
          ),
        }
      : undefined;
  // Storage trouble is reported by its health; a page nobody asks for is not an error.
  early?.page.catch(() => undefined);
  return {
    keyStore,
    identity: marked('identity-read', Identity.loadOrCreate(keyStore)),
    storage,
    page: (roomId, count, before) => {
      const first = early;
      early = undefined;
      if (first && first.roomId === roomId && count === STORED_PAGE_SIZE && !before) {
        return first.page;
      }
      // Sealed history kept in segments included, read when a page reaches back into it.
      return storage.then((opened) => opened.page(roomId, count, before));
    },
  };
}

/** The reads of this page, started as this module is evaluated. */
export const reads = startupReads(window.location);
