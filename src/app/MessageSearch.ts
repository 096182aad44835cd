// Search across every room on this device: a MiniSearch full-text index over the messages
// IndexedDB holds, built once on first use (page by page, yielding between pages, with
// progress), then kept up to date as messages arrive and are deleted. The index lives in
// memory only: what storage forgets (a deleted message, a room left) is gone from the next
// build, and removed from the live index at once.
import MiniSearch from 'minisearch';
import type { HistoryPages, StoredHistoryCursor } from './StoredHistory';

/** One message found. */
export interface SearchHit {
  readonly roomId: string;
  readonly id: string;
  readonly userId: string;
  readonly text: string;
  /** When it was written, ms since the epoch. */
  readonly time: number;
}

/** A message as the index takes it (a stored chat event, or a log entry as it arrives). */
export interface SearchableMessage {
  readonly id: string;
  readonly userId: string;
  readonly message: string;
  readonly unixTime: number;
}

export interface MessageSearchOptions {
  readonly history: HistoryPages;
  /** The joined rooms to index. */
  rooms(): readonly string[];
  /** Events read per storage page (default 1,000). */
  readonly pageSize?: number;
  /** Lets the page paint between pages (default: a macrotask). */
  readonly pause?: () => Promise<void>;
}

interface Doc {
  /** `roomId NUL entryId`: one message of one room. */
  readonly key: string;
  readonly roomId: string;
  readonly entryId: string;
  readonly userId: string;
  readonly text: string;
  readonly time: number;
}

/** The most hits a query returns. */
const MAX_HITS = 50;

export class MessageSearch {
  private readonly options: MessageSearchOptions;
  private readonly index = new MiniSearch<Doc>({
    idField: 'key',
    fields: ['text'],
    storeFields: ['roomId', 'entryId', 'userId', 'text', 'time'],
    searchOptions: {
      // Only the word being typed (the last) is a prefix, and only longer words may have a
      // typo: a short prefix or a fuzzy short word matches much of a large history.
      prefix: (_term: string, i: number, terms: string[]) => i === terms.length - 1,
      fuzzy: (term: string) => (term.length >= 5 ? 0.2 : false),
      maxFuzzy: 2,
      combineWith: 'AND',
    },
  });
  private building: Promise<void> | undefined;
  private ready = false;
  /** Messages that arrived while the index was being built: added after it. */
  private readonly early: [string, SearchableMessage][] = [];

  constructor(options: MessageSearchOptions) {
    this.options = options;
  }

  /** Messages in the index. */
  get size(): number {
    return this.index.documentCount;
  }

  /** Whether the index holds everything stored (build() has finished). */
  get built(): boolean {
    return this.ready;
  }

  /**
   * Reads every joined room's stored messages into the index, once; `progress` hears the
   * count indexed so far. Later calls wait for the same build.
   */
  build(progress?: (indexed: number) => void): Promise<void> {
    this.building ??= this.read(progress).then(() => {
      this.ready = true;
      for (const [roomId, message] of this.early.splice(0)) this.add(roomId, [message]);
    });
    return this.building;
  }

  /**
   * Adds messages that arrived in a room. Before build() nothing is kept (the build reads
   * them from storage); during it they wait and go in after.
   */
  add(roomId: string, messages: readonly SearchableMessage[]): void {
    if (this.ready) this.put(roomId, messages);
    else if (this.building) for (const m of messages) this.early.push([roomId, m]);
  }

  private put(roomId: string, messages: readonly SearchableMessage[]): void {
    for (const message of messages) {
      const key = `${roomId}\u0000${message.id}`;
      if (this.index.has(key) || message.message.trim() === '') continue;
      this.index.add({
        key,
        roomId,
        entryId: message.id,
        userId: message.userId,
        text: message.message,
        time: message.unixTime,
      });
    }
  }

  /** Drops messages (deleted by their author) from the index. */
  remove(roomId: string, ids: readonly string[]): void {
    for (const id of ids) {
      const key = `${roomId}\u0000${id}`;
      if (this.index.has(key)) this.index.discard(key);
    }
  }

  /** Drops a room the user left. */
  forgetRoom(roomId: string): void {
    const keys = this.index
      .search(MiniSearch.wildcard, { filter: (r) => r.roomId === roomId })
      .map((r) => String(r.id));
    for (const key of keys) this.index.discard(key);
  }

  /** The messages that have every word of `query` (prefixes, small typos allowed), best first. */
  search(query: string, limit = MAX_HITS): SearchHit[] {
    if (query.trim() === '') return [];
    return this.index
      .search(query)
      .slice(0, limit)
      .map((r) => ({
        roomId: r.roomId as string,
        id: r.entryId as string,
        userId: r.userId as string,
        text: r.text as string,
        time: r.time as number,
      }));
  }

  private async read(progress?: (indexed: number) => void): Promise<void> {
    const pageSize = this.options.pageSize ?? 1000;
    const pause = this.options.pause ?? (() => new Promise<void>((r) => setTimeout(r, 0)));
    {
      for (const roomId of this.options.rooms()) {
        let before: StoredHistoryCursor | undefined;
        do {
          const page = await this.options.history.page(roomId, pageSize, before);
          this.put(
            roomId,
            page.events.flatMap(({ event }) =>
              event.type === 'message' && event.userId !== undefined && event.message
                ? [
                    {
                      id: event.id,
                      userId: event.userId,
                      message: event.message,
                      unixTime: event.unixTime,
                    },
                  ]
                : [],
            ),
          );
          progress?.(this.index.documentCount);
          before = page.older;
          await pause();
        } while (before);
      }
    }
  }
}
