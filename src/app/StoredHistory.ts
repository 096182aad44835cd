// The part of a room's history that this device keeps in storage, for the transcript: the
// newest page of stored events, shown at once on opening (before a large room's document has
// loaded) and including history imported from a file, which the room's document never holds.
import type { ChatEvent } from '../hub/events';
import type { TranscriptEntry } from './Transcript';

/** One stored event with its order key (as the storage's EventStore returns it). */
export interface StoredHistoryEvent {
  readonly order: number;
  readonly event: ChatEvent;
}

/** Pages of a room's stored events, oldest first (src/storage's EventStore does this). */
export interface HistoryPages {
  page(roomId: string, count: number): Promise<{ readonly events: readonly StoredHistoryEvent[] }>;
}

/** What the app needs of storage (src/storage's ChatStorage provides it in main.ts). */
export interface RoomHistory extends HistoryPages {
  /** The room's stored history as JSON lines, oldest first. */
  exportRoom(roomId: string): Promise<string>;
  /** Stores the events of a JSON lines file; events held already are skipped. */
  importRoom(roomId: string, text: string): Promise<HistoryImport>;
  /** A message for the user while storage is not working, else undefined. */
  warning(): string | undefined;
  onWarning(listener: () => void): () => void;
}

/** The outcome of an import, as the user is told it. */
export interface HistoryImport {
  readonly imported: number;
  readonly duplicates: number;
  readonly badLines: number;
}

/** Merges the stored page into what the log holds, by the log's order. */
export class StoredHistory {
  private entries: TranscriptEntry[] = [];
  private notices: ChatEvent[] = [];
  private destroyed = false;

  constructor(
    private readonly pages: HistoryPages,
    private readonly roomId: string,
    private readonly pageSize = 200,
  ) {}

  /** Reads the newest stored page; resolves with the join/leave/close events in it. */
  async load(): Promise<readonly ChatEvent[]> {
    let events: readonly StoredHistoryEvent[];
    try {
      ({ events } = await this.pages.page(this.roomId, this.pageSize));
    } catch {
      return []; // storage trouble is reported by its health status; show what the log has
    }
    if (this.destroyed) return [];
    const messages = events.filter((s) => s.event.type === 'message' && s.event.userId);
    this.entries = messages.map(({ order, event }) => ({
      id: event.id,
      userId: event.userId ?? '',
      message: event.message ?? '',
      unixTime: event.unixTime,
      clock: order,
    }));
    this.notices = events.filter((s) => s.event.type !== 'message').map((s) => s.event);
    return this.notices;
  }

  /**
   * The log's entries with the stored ones it lacks, in order. When the log has them all
   * (the usual case once it has loaded), the log's own array comes back untouched.
   */
  merge(
    logEntries: readonly TranscriptEntry[],
    inLog: (id: string) => boolean,
  ): readonly TranscriptEntry[] {
    const missing = this.entries.filter((entry) => !inLog(entry.id));
    if (missing.length === 0) return logEntries;
    const merged: TranscriptEntry[] = [];
    let i = 0;
    for (const entry of logEntries) {
      while (i < missing.length && before(missing[i] as TranscriptEntry, entry)) {
        merged.push(missing[i++] as TranscriptEntry);
      }
      merged.push(entry);
    }
    while (i < missing.length) merged.push(missing[i++] as TranscriptEntry);
    return merged;
  }

  destroy(): void {
    this.destroyed = true;
  }
}

function before(a: TranscriptEntry, b: TranscriptEntry): boolean {
  return a.clock < b.clock || (a.clock === b.clock && a.id < b.id);
}
