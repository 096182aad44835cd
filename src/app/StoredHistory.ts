// The part of a room's history that this device keeps in storage, for the transcript: the
// newest page of stored events, shown at once on opening (before a large room's document has
// loaded) and including history imported from a file, which the room's document never holds.
import type { ChatEvent } from '../hub/events';
import type { TranscriptEntry } from './ChatLine';

/** One stored event with its order key (as the storage's EventStore returns it). */
export interface StoredHistoryEvent {
  readonly order: number;
  readonly event: ChatEvent;
  /** Stored from the room's log, its signature checked on this device (not imported). */
  readonly signed?: true;
}

/** A position in a room's stored history (src/storage's HistoryCursor). */
export interface StoredHistoryCursor {
  readonly order: number;
  readonly id: string;
}

/** Pages of a room's stored events, oldest first (src/storage's EventStore does this). */
export interface HistoryPages {
  /** The newest `count` events before `before` (or the newest of all). */
  page(
    roomId: string,
    count: number,
    before?: StoredHistoryCursor,
  ): Promise<{
    readonly events: readonly StoredHistoryEvent[];
    /** Where the next older page starts; undefined when nothing older is stored. */
    readonly older?: StoredHistoryCursor | undefined;
  }>;
}

/** What the app needs of storage (src/storage's ChatStorage provides it in main.ts). */
export interface RoomHistory extends HistoryPages {
  /**
   * The room's stored history as JSON lines, oldest first, naming the room and (where
   * `nameOf` knows them) its authors in the first line.
   */
  exportRoom(roomId: string, nameOf?: (userId: string) => string | undefined): Promise<string>;
  /** Stores the events of a JSON lines file; events held already are skipped. */
  importRoom(roomId: string, text: string): Promise<HistoryImport>;
  /** Deletes everything this device keeps of a room: its record, events and CRDT state. */
  forgetRoom(roomId: string): Promise<void>;
  /** A message for the user while storage is not working, else undefined. */
  warning(): string | undefined;
  onWarning(listener: () => void): () => void;
}

/** The outcome of an import, as the user is told it. */
export interface HistoryImport {
  readonly imported: number;
  readonly duplicates: number;
  readonly badLines: number;
  /** The file is the history of this other room: nothing was imported. */
  readonly otherRoom?: string;
  /** The authors' names the file gives, by user id: unsigned claims. */
  readonly names?: ReadonlyMap<string, string>;
}

/** How many stored events a room's view reads at a time, the newest page first. */
export const STORED_PAGE_SIZE = 200;

/**
 * The stored pages of one room read so far, merged into what the log holds, by the log's
 * order: the newest page at once, older ones as the reader scrolls up.
 */
export class StoredHistory {
  /** Stored messages read so far, oldest first. */
  private entries: TranscriptEntry[] = [];
  /** Those of them whose signatures this device never checked (imported from a file). */
  private unsigned = new Set<string>();
  private older: StoredHistoryCursor | undefined;
  private read = 0;
  private reading: Promise<readonly ChatEvent[]> | undefined;
  private destroyed = false;

  constructor(
    private readonly pages: HistoryPages,
    private readonly roomId: string,
    private readonly pageSize = STORED_PAGE_SIZE,
  ) {}

  /** Whether older events are stored than those read so far. */
  get hasOlder(): boolean {
    return this.older !== undefined;
  }

  /**
   * Reads the newest stored events again (as many as read so far, at least a page: after an
   * import, say); resolves with the join/leave/close events among them.
   */
  async load(): Promise<readonly ChatEvent[]> {
    const page = await this.fetch(Math.max(this.pageSize, this.read));
    if (!page) return [];
    this.entries = messagesOf(page.events);
    this.unsigned = new Set(unsignedOf(page.events));
    this.older = page.older;
    this.read = page.events.length;
    return noticesOf(page.events);
  }

  /** Reads the next older page; resolves with its notices ([] when there is none). */
  loadOlder(): Promise<readonly ChatEvent[]> {
    this.reading ??= this.readOlder().finally(() => (this.reading = undefined));
    return this.reading;
  }

  /**
   * The log's entries with the stored ones it lacks, in order. When the log has them all
   * (the usual case once it has loaded), the log's own array comes back untouched. The log
   * lacks sealed history (kept in segments, not in memory) and imported history: of these,
   * the messages this device never checked a signature of (imported from a file) are marked
   * unverified once the log has loaded.
   */
  merge(
    logEntries: readonly TranscriptEntry[],
    inLog: (id: string) => boolean,
    logLoaded = true,
  ): readonly TranscriptEntry[] {
    const missing = this.entries.filter((entry) => !inLog(entry.id));
    if (missing.length === 0) return logEntries;
    const unverified = logLoaded
      ? missing.map((entry) =>
          this.unsigned.has(entry.id) ? { ...entry, unverified: true } : entry,
        )
      : missing;
    const merged: TranscriptEntry[] = [];
    let i = 0;
    for (const entry of logEntries) {
      while (i < unverified.length && before(unverified[i] as TranscriptEntry, entry)) {
        merged.push(unverified[i++] as TranscriptEntry);
      }
      merged.push(entry);
    }
    while (i < unverified.length) merged.push(unverified[i++] as TranscriptEntry);
    return merged;
  }

  destroy(): void {
    this.destroyed = true;
  }

  private async readOlder(): Promise<readonly ChatEvent[]> {
    const cursor = this.older;
    if (!cursor) return [];
    const page = await this.fetch(this.pageSize, cursor);
    if (!page || this.older !== cursor) return [];
    this.entries = [...messagesOf(page.events), ...this.entries];
    for (const id of unsignedOf(page.events)) this.unsigned.add(id);
    this.older = page.older;
    this.read += page.events.length;
    return noticesOf(page.events);
  }

  private async fetch(
    count: number,
    cursor?: StoredHistoryCursor,
  ): Promise<Awaited<ReturnType<HistoryPages['page']>> | undefined> {
    try {
      const page = await this.pages.page(this.roomId, count, cursor);
      return this.destroyed ? undefined : page;
    } catch {
      return undefined; // storage trouble is reported by its health status; show what the log has
    }
  }
}

function messagesOf(events: readonly StoredHistoryEvent[]): TranscriptEntry[] {
  return events
    .filter((stored) => stored.event.type === 'message' && stored.event.userId)
    .map(({ order, event }) => ({
      id: event.id,
      userId: event.userId ?? '',
      message: event.message ?? '',
      unixTime: event.unixTime,
      clock: order,
    }));
}

function unsignedOf(events: readonly StoredHistoryEvent[]): string[] {
  return events
    .filter((stored) => stored.event.type === 'message' && stored.signed !== true)
    .map((stored) => stored.event.id);
}

function noticesOf(events: readonly StoredHistoryEvent[]): ChatEvent[] {
  return events.filter((stored) => stored.event.type !== 'message').map((stored) => stored.event);
}

function before(a: TranscriptEntry, b: TranscriptEntry): boolean {
  return a.clock < b.clock || (a.clock === b.clock && a.id < b.id);
}
