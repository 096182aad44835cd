// Search across every room on this device: a word index over the messages IndexedDB holds,
// built once on first use (page by page, yielding between pages, with progress), then kept up
// to date as messages arrive, are edited and are deleted. The index lives in memory only: what
// storage forgets (a deleted message, a room left) is gone from the next build, and removed
// from the live index at once.
import type { HistoryPages, StoredHistoryCursor } from './StoredHistory';
import type { SearchableMessage } from './SearchHit';
import { SearchIndex } from './SearchIndex';

export interface MessageSearchOptions {
  readonly history: HistoryPages;
  /** The joined rooms to index. */
  rooms(): readonly string[];
  /** Events read per storage page (default 1,000). */
  readonly pageSize?: number;
  /** Lets the page paint between pages (default: a macrotask). */
  readonly pause?: () => Promise<void>;
  /**
   * Settles once what has arrived so far is in storage: the build waits for it before it
   * reads, and what arrives meanwhile goes in after the build.
   */
  readonly stored?: () => Promise<unknown>;
}

export class MessageSearch extends SearchIndex {
  private readonly options: MessageSearchOptions;

  private building: Promise<void> | undefined;
  private ready = false;
  /** Messages that arrived while the index was being built: added after it. */
  private readonly early: [string, SearchableMessage][] = [];

  constructor(options: MessageSearchOptions) {
    super();
    this.options = options;
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

  /**
   * A message's text as edited by its author: found by its new words, no longer by its old
   * ones. Kept for the message if it is not indexed yet.
   */
  revise(roomId: string, id: string, text: string): void {
    let edits = this.revisions.get(roomId);
    if (edits?.get(id) === text) return;
    if (!edits) this.revisions.set(roomId, (edits = new Map<string, string>()));
    edits.set(id, text);
    const doc = this.byRoom.get(roomId)?.get(id);
    if (doc === undefined) return;
    const message = {
      id,
      userId: this.userIds[this.user[doc] ?? 0] ?? '',
      message: text,
      unixTime: this.time[doc] ?? 0,
    };
    this.drop(roomId, doc);
    this.put(roomId, [message]);
  }

  /** Drops messages (deleted by their author) from the index. */
  remove(roomId: string, ids: readonly string[]): void {
    for (const id of ids) {
      const doc = this.byRoom.get(roomId)?.get(id);
      if (doc !== undefined) this.drop(roomId, doc);
    }
  }

  /** Drops a room the user left. */
  forgetRoom(roomId: string): void {
    for (const doc of [...(this.byRoom.get(roomId)?.values() ?? [])]) this.drop(roomId, doc);
    this.byRoom.delete(roomId);
    this.revisions.delete(roomId);
  }

  private async read(progress?: (indexed: number) => void): Promise<void> {
    const pageSize = this.options.pageSize ?? 1000;
    const pause = this.options.pause ?? (() => new Promise<void>((r) => setTimeout(r, 0)));
    try {
      await this.options.stored?.();
    } catch {
      // Read what storage holds: the index then follows what arrives.
    }
    this.terms.bulk(true);
    try {
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
          progress?.(this.live);
          before = page.older;
          await pause();
        } while (before);
      }
    } finally {
      this.terms.bulk(false);
    }
  }
}
