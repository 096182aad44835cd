import type { RoomHistory } from './StoredHistory';
import type { LogEntry } from '../hub/ports';
import { LoadTurns } from './LoadTurns';
import type { NameBook } from './NameBook';
import { nextPaint } from './nextPaint';
import type { RoomRecord } from './RoomDirectory';
import type { RoomOpener, RoomSource } from './RoomSource';
import { RoomState } from './RoomState';

/** A joined room open in this tab: its source and its view model. */
export interface LiveRoom {
  readonly source: RoomSource;
  readonly state: RoomState;
}

/** What the live rooms need of the app around them. */
export interface LiveRoomsOptions {
  readonly openRoom: RoomOpener;
  readonly names: NameBook;
  readonly history?: RoomHistory;
  /** The most rooms open at once; the one idle longest (not on screen) closes for a new one. */
  readonly maxLive: number;
  /** The user's display name now. */
  displayName(): string | undefined;
  /** The room on screen, which is never closed to make place. */
  onScreen(): string | undefined;
  /** Each room's new entries (unread counts, notifications). */
  onEntries(roomId: string, entries: readonly LogEntry[]): void;
  /** A room's older messages, stored from peers (searchable, not news). */
  onStoredHistory?(roomId: string, entries: readonly LogEntry[]): void;
  /** Messages of a room were deleted by their author (withdrawn from search too). */
  onDeleted?(roomId: string, ids: readonly string[]): void;
  /** A room's presence changed (DM invitations are read from it). */
  onPresence(state: RoomState): void;
  /** A room was just opened (to publish what every room carries). */
  opened(state: RoomState): void;
}

/**
 * The joined rooms this tab keeps open, at most `maxLive`. Rooms load one at a time, each
 * once its newest stored page is on screen (painted, for rooms not shown), so the room the
 * user opened paints first and no load blocks another's first paint.
 */
export class LiveRooms {
  private readonly options: LiveRoomsOptions;
  private readonly rooms = new Map<string, LiveRoom>();
  private readonly loadTurns = new LoadTurns();

  constructor(options: LiveRoomsOptions) {
    this.options = options;
  }

  get(roomId: string): LiveRoom | undefined {
    return this.rooms.get(roomId);
  }

  /** The view models of every open room. */
  states(): RoomState[] {
    return [...this.rooms.values()].map((room) => room.state);
  }

  /** Opens a room; `visible`: it is about to be shown (it loads once on screen). */
  ensure(record: RoomRecord, visible = false): LiveRoom {
    const existing = this.rooms.get(record.roomId);
    if (existing) return existing;
    while (this.rooms.size >= this.options.maxLive) {
      const idle = [...this.rooms.keys()].find((id) => id !== this.options.onScreen());
      if (idle === undefined) break;
      void this.drop(idle);
    }
    const turn = this.loadTurns.take();
    const source = this.options.openRoom({
      roomId: record.roomId,
      displayName: this.options.displayName() ?? '',
      loadAfter: turn.start,
      ...(record.password ? { password: record.password } : {}),
    });
    const state = new RoomState(source, {
      names: this.options.names,
      displayName: () => this.options.displayName(),
      onEntries: (entries) => this.options.onEntries(record.roomId, entries),
      onDeleted: (ids) => this.options.onDeleted?.(record.roomId, ids),
      onStoredHistory: (entries) => this.options.onStoredHistory?.(record.roomId, entries),
      onPresence: () => this.options.onPresence(state),
      ...(this.options.history ? { history: this.options.history } : {}),
    });
    turn.begin(
      visible ? state.onScreen() : state.storedShown.then(() => nextPaint()),
      () => source.loaded,
    );
    const room: LiveRoom = { source, state };
    this.rooms.set(record.roomId, room);
    this.options.opened(state);
    return room;
  }

  /** Closes a room; resolves once its pending writes are stored. */
  async drop(roomId: string): Promise<void> {
    const room = this.rooms.get(roomId);
    if (!room) return;
    this.rooms.delete(roomId);
    room.state.destroy();
    await room.source.destroy();
  }

  /** Closes every room. */
  dropAll(): void {
    for (const roomId of [...this.rooms.keys()]) void this.drop(roomId);
  }
}
