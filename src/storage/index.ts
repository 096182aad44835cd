/**
 * Storage: everything a user has seen survives reload, crash and no network.
 *
 * - ChatStorage: the one object the app opens (events, rooms, settings, Yjs state, health).
 * - PersistentListener: the hub's persistent listener, writing events in batches.
 * - YjsPersistence: a room's Y.Doc in IndexedDB, compacted, one writer tab at a time.
 * - EventStore / RoomStore / UpdateStore: the ports, with in-memory and IndexedDB adapters.
 * - StorageHealth: 'ok' | 'degraded' with a message the UI can show.
 * - exportJsonLines / parseJsonLines: a room's history as a file and back.
 */
export { ChatStorage, type ChatStorageOptions, type ImportReport } from './ChatStorage';
export {
  CHAT_DATABASE,
  CHAT_DATABASE_VERSION,
  openChatDatabase,
  type ChatDatabase,
  type OpenChatDatabaseOptions,
} from './ChatDatabase';
export {
  DestroyedError,
  InvalidArgumentError,
  JsonLinesFormatError,
  RoomExistsError,
  RoomNotFoundError,
  StorageError,
  StorageUnavailableError,
  type StorageErrorCode,
} from './errors';
export {
  DEFAULT_COUNT_LIMIT,
  compareStored,
  type EventStore,
  type HistoryCursor,
  type HistoryPage,
  type PutResult,
  type StoredEvent,
} from './EventStore';
export { validateEvent } from './EventValidation';
export { IdbEventStore } from './IdbEventStore';
export { IdbRoomStore } from './IdbRoomStore';
export { IdbUpdateStore, yjsDatabaseName, type IdbUpdateStoreOptions } from './IdbUpdateStore';
export {
  JSON_LINES_TYPE,
  exportJsonLines,
  parseJsonLines,
  type LineError,
  type ParsedJsonLines,
} from './JsonLines';
export { LocalSettings, type LocalSettingsOptions, type Settings } from './LocalSettings';
export { MemoryEventStore } from './MemoryEventStore';
export { MemoryRoomStore } from './MemoryRoomStore';
export { MemoryUpdateStore } from './MemoryUpdateStore';
export {
  PersistentListener,
  type PersistentListenerOptions,
  type PersistentListenerStats,
} from './PersistentListener';
export { ResilientEventStore } from './ResilientEventStore';
export { ResilientRoomStore } from './ResilientRoomStore';
export { type JoinedRoom, type RoomKind, type RoomPatch, type RoomStore } from './RoomStore';
export {
  StorageHealth,
  classifyStorageError,
  type StorageFailureKind,
  type StorageStatus,
} from './StorageHealth';
export { type CompactionMode, type StoredUpdates, type UpdateStore } from './UpdateStore';
export { WriterLock } from './WriterLock';
export {
  YjsPersistence,
  type YjsPersistenceOptions,
  type YjsPersistenceStats,
} from './YjsPersistence';
