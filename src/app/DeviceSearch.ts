// Search over this device's history, as the app offers it: the index's code loads and the
// index is built on the first search (so the first page carries neither), and from then on
// it follows what arrives, is deleted or is left. The open rooms' edits are read into it
// before each search, so an edited message is found by its new words. The build waits until
// what the open rooms received is stored, so a message that came a moment ago is found too.
import type { LogEntry } from '../hub/ports';
import type { MessageSearch } from './MessageSearch';
import type { SearchHit } from './SearchHit';
import type { RoomState } from './RoomState';
import type { HistoryPages } from './StoredHistory';

export interface DeviceSearchOptions {
  /** This device's stored history; without it, searches find nothing. */
  readonly history?: HistoryPages;
  /** The joined rooms. */
  rooms(): readonly string[];
  /** The rooms open now, whose logs know their edits. */
  open(): readonly RoomState[];
}

export class DeviceSearch {
  private readonly options: DeviceSearchOptions;
  private index: MessageSearch | undefined;
  private loading: Promise<MessageSearch | undefined> | undefined;
  private destroyed = false;

  constructor(options: DeviceSearchOptions) {
    this.options = options;
  }

  /**
   * The stored messages of every joined room that have every word of `query`, best first.
   * The first search reads the stored history into the index (`progress` hears how many
   * messages it holds so far); later ones answer from memory.
   */
  async search(query: string, progress?: (indexed: number) => void): Promise<SearchHit[]> {
    const history = this.options.history;
    if (!history) return [];
    this.loading ??= import('./MessageSearch').then(({ MessageSearch }) => {
      if (this.destroyed) return undefined;
      this.index = new MessageSearch({
        history,
        rooms: () => this.options.rooms(),
        stored: () => Promise.all(this.options.open().map((state) => state.saved())),
      });
      return this.index;
    });
    const index = await this.loading;
    if (!index) return [];
    for (const state of this.options.open()) {
      for (const [id, text] of state.edits()) index.revise(state.roomId, id, text);
    }
    await index.build(progress);
    return index.search(query);
  }

  /** A room's new entries. */
  arrived(roomId: string, entries: readonly LogEntry[]): void {
    this.index?.add(roomId, entries);
  }

  /** Messages their author deleted. */
  deleted(roomId: string, ids: readonly string[]): void {
    this.index?.remove(roomId, ids);
  }

  /** A room the user left. */
  forgetRoom(roomId: string): void {
    this.index?.forgetRoom(roomId);
  }

  destroy(): void {
    this.destroyed = true;
  }
}
