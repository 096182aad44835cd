import type { ChatEvent } from '../hub/events';
import { openChatDatabase, type ChatDatabase } from './ChatDatabase';
import {
  mergePages,
  type EventStore,
  type HistoryCursor,
  type HistoryPage,
  type StoredEvent,
} from './EventStore';
import { isOrder } from './EventValidation';
import { IdbEventStore } from './IdbEventStore';
import { IdbRoomDirectory } from './IdbRoomDirectory';
import { exportJsonLines, parseJsonLines, type LineError, type ParsedJsonLines } from './JsonLines';
import { ResilientEventStore } from './ResilientEventStore';
import { ResilientRoomDirectory } from './ResilientRoomDirectory';
import type { SealedPages } from './SealedPages';
import type { SegmentStore } from './SegmentStore';
import { StorageHealth } from './StorageHealth';

/** Options of {@link ChatStorage.open}. */
export interface ChatStorageOptions {
  /** The chat database's name; `meshchat-chat` unless given. */
  readonly databaseName?: string;
  /** Shared health; a new one unless given. */
  readonly health?: StorageHealth;
  /** How long opening IndexedDB may take before it counts as unavailable (default 5 s). */
  readonly timeoutMs?: number;
  /** Where an earlier version kept the joined rooms (localStorage), to move them in once. */
  readonly legacyRooms?: Pick<Storage, 'getItem' | 'removeItem'>;
  /**
   * Where the rooms' sealed history segments are kept (read into pages and exports); the
   * page's IndexedDB segment store unless given. None without IndexedDB.
   */
  readonly segments?: SegmentStore;
  /**
   * Handed the events store as soon as the database is open (or known to be unavailable),
   * before the joined rooms are read: a page can be read meanwhile.
   */
  readonly onEvents?: (events: EventStore) => void;
}

/** What importRoom did. */
export interface ImportReport {
  /** Events newly stored. */
  readonly imported: number;
  /** Events the room held already (or that the file held twice). */
  readonly duplicates: number;
  /** Lines not imported: invalid, or events of another room. */
  readonly badLines: number;
  /** The first of them, with line numbers and reasons. */
  readonly errors: readonly LineError[];
  /**
   * The room the file is the history of, when that is another room (its first line says so,
   * or it holds events of that room and none of this one). Nothing is imported then.
   */
  readonly otherRoom?: string;
  /** The authors' names the file gives, by user id (unverified: a file carries no signatures). */
  readonly names: ReadonlyMap<string, string>;
}

/**
 * The room a parsed file is the history of, if that is not `roomId`: the room its first line
 * names, else the room most of its events belong to when none is of `roomId`.
 */
function otherRoomOf(parsed: ParsedJsonLines, roomId: string): string | undefined {
  if (parsed.header) return parsed.header.roomId === roomId ? undefined : parsed.header.roomId;
  if (parsed.events.length > 0) return undefined;
  let most: [string, number] | undefined;
  for (const entry of parsed.otherRooms) if (!most || entry[1] > most[1]) most = entry;
  return most?.[0];
}

/** Events read per page while exporting. */
const EXPORT_PAGE = 2000;

/**
 * Everything this device stores, behind one object: the events of every room (for history
 * pages), joined rooms, each room's Yjs state (see roomPersistence.ts), and the health of
 * it all. open() never fails: if IndexedDB is unavailable, everything works in memory and
 * `health` says so.
 */
export class ChatStorage {
  readonly health: StorageHealth;
  readonly events: EventStore;
  readonly rooms: ResilientRoomDirectory;
  /** Whether IndexedDB opened (false: memory only, from the start). */
  readonly persistent: boolean;
  private readonly db: ChatDatabase | undefined;
  private readonly segments: SegmentStore | undefined;
  private sealed: Promise<SealedPages> | undefined;
  private destroyed = false;

  private constructor(
    db: ChatDatabase | undefined,
    rooms: ResilientRoomDirectory,
    health: StorageHealth,
    segments: SegmentStore | undefined,
  ) {
    this.db = db;
    this.segments = segments;
    this.persistent = db !== undefined;
    this.health = health;
    this.events = new ResilientEventStore(db && new IdbEventStore(db), health);
    this.rooms = rooms;
  }

  /** Opens the chat database; on failure, reports to health and goes on in memory. */
  static async open(options: ChatStorageOptions = {}): Promise<ChatStorage> {
    const health = options.health ?? new StorageHealth();
    let db: ChatDatabase | undefined;
    try {
      db = await openChatDatabase({
        ...(options.databaseName !== undefined ? { name: options.databaseName } : {}),
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        onClosed: (error) => health.report(error),
      });
    } catch (error) {
      health.report(error);
    }
    const rooms = new ResilientRoomDirectory(db && new IdbRoomDirectory(db), health);
    const storage = new ChatStorage(db, rooms, health, options.segments);
    options.onEvents?.(storage.events);
    await rooms.prime(options.legacyRooms);
    return storage;
  }

  /**
   * The newest `count` events of a room's stored history before `before`: the events store's
   * records merged with the sealed messages of the segments this device keeps (a tab that
   * fetched older history keeps its segments, not a record per message). A segment is read
   * only when a page reaches back past the records, or the records leave a gap it fills.
   */
  async page(roomId: string, count: number, before?: HistoryCursor): Promise<HistoryPage> {
    const page = await this.events.page(roomId, count, before);
    // A full page with older records after it: only sealed messages between it and `before`
    // can belong in it. Else every sealed message before `before` may.
    const oldest = page.events[0];
    const after =
      page.older && oldest && page.events.length >= count
        ? { order: oldest.order, id: oldest.event.id }
        : undefined;
    try {
      const sealed = await this.sealedPages(roomId);
      if (!sealed) return page;
      return mergePages(page, await sealed.page(roomId, count, before, after), count);
    } catch (error) {
      this.health.report(error);
      return page;
    }
  }

  /**
   * A room's whole stored history as JSON Lines, oldest first (see exportJsonLines), after a
   * first line that names the room and, where `nameOf` knows them, the authors.
   */
  async exportRoom(
    roomId: string,
    nameOf: (userId: string) => string | undefined = () => undefined,
  ): Promise<string> {
    const pages: (readonly StoredEvent[])[] = [];
    let before: HistoryCursor | undefined;
    do {
      const page = await this.page(roomId, EXPORT_PAGE, before);
      pages.unshift(page.events);
      before = page.older;
    } while (before);
    const events = pages.flat().map((stored) => stored.event);
    const names = new Map<string, string>();
    for (const { userId } of events) {
      const name = userId === undefined || names.has(userId) ? undefined : nameOf(userId);
      if (userId !== undefined && name !== undefined) names.set(userId, name);
    }
    return exportJsonLines(events, { roomId, names });
  }

  /**
   * Imports an exported history into a room. Events already stored are left alone (counted as
   * duplicates); invalid lines and events of another room are counted and reported, not
   * imported. A file that is the history of another room imports nothing and says which room
   * (otherRoom). Throws JsonLinesFormatError for a file that is not JSON Lines at all.
   */
  async importRoom(
    roomId: string,
    text: string,
    orderOf: (event: ChatEvent) => number = (event) => event.unixTime,
  ): Promise<ImportReport> {
    const parsed = parseJsonLines(text, { chatroomId: roomId });
    const { events, badLines, errors } = parsed;
    const otherRoom = otherRoomOf(parsed, roomId);
    if (otherRoom !== undefined) {
      return { imported: 0, duplicates: 0, badLines, errors, otherRoom, names: new Map() };
    }
    const mine = events.map((event): StoredEvent => {
      const order = orderOf(event);
      return { order: isOrder(order) ? order : event.unixTime, event };
    });
    let imported = 0;
    let duplicates = 0;
    for (let start = 0; start < mine.length; start += EXPORT_PAGE) {
      const result = await this.events.put(mine.slice(start, start + EXPORT_PAGE));
      imported += result.stored;
      duplicates += result.duplicates;
    }
    return { imported, duplicates, badLines, errors, names: parsed.header?.names ?? new Map() };
  }

  /** Leaves a room on this device: its record, its events, its Yjs state and sealed history. */
  async forgetRoom(roomId: string): Promise<void> {
    await this.rooms.remove(roomId);
    await this.events.deleteRoom(roomId);
    if (!this.persistent) return;
    try {
      // Loaded here, not imported: it brings Yjs, which the first page must not carry.
      const { IdbUpdateStore } = await import('./IdbUpdateStore');
      await IdbUpdateStore.clear(roomId);
      await (await this.segmentStore())?.deleteRoom(roomId);
      (await this.sealed)?.forgetRoom(roomId);
    } catch (error) {
      this.health.report(error);
    }
  }

  /** The segment store, loaded on first use (none without IndexedDB). */
  private async segmentStore(): Promise<SegmentStore | undefined> {
    if (this.segments) return this.segments;
    if (!this.persistent) return undefined;
    const { sharedSegmentStore } = await import('./IdbSegmentStore');
    return sharedSegmentStore();
  }

  /**
   * The reader of kept segments if this device keeps any of `roomId`, its code loaded on
   * first use: a room that never sealed (most rooms) never loads it.
   */
  private async sealedPages(roomId: string): Promise<SealedPages | undefined> {
    const segments = await this.segmentStore();
    if (!segments || (!this.sealed && (await segments.ids(roomId)).size === 0)) return undefined;
    this.sealed ??= import('./SealedPages').then(({ SealedPages }) => new SealedPages(segments));
    return this.sealed;
  }

  /** Closes the database. Listeners and persistences made here are the caller's to destroy. Idempotent. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.events.destroy();
    this.rooms.destroy();
    this.db?.close();
  }
}
