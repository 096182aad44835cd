import type * as Y from 'yjs';
import type { ChatStorage } from './ChatStorage';
import { MemoryUpdateStore } from './MemoryUpdateStore';
import { YjsPersistence } from './YjsPersistence';
import type { YjsPersistenceOptions } from './YjsPersistenceOptions';

/**
 * Persists a room's Y.Doc in `storage` (in memory only when IndexedDB is unavailable). Kept
 * out of ChatStorage so that the first page, which opens the storage to show stored history,
 * carries no Yjs: only the room code, loaded after the first paint, imports this.
 */
export function roomPersistence(
  storage: Pick<ChatStorage, 'health' | 'persistent'>,
  roomId: string,
  doc: Y.Doc,
  options: YjsPersistenceOptions = {},
): YjsPersistence {
  return new YjsPersistence(roomId, doc, {
    health: storage.health,
    ...(storage.persistent ? {} : { store: new MemoryUpdateStore() }),
    ...options,
  });
}
