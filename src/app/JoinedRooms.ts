// The rooms this device has joined, as the app holds them in memory beside the RoomDirectory
// that stores them: oldest joined first, with the label the room list shows, the mute, and the
// name the room's members gave it in the log.
import type { NameBook } from './NameBook';
import type { RoomDirectory, RoomRecord } from './RoomDirectory';
import type { RoomState } from './RoomState';

export interface JoinedRoomsOptions {
  readonly directory: RoomDirectory;
  readonly names: NameBook;
  /** Called after a change the UI shows (a mute, a room's name). */
  readonly changed: () => void;
}

/** The joined rooms' records of this tab, kept sorted by the time they were joined. */
export class JoinedRooms {
  private records: RoomRecord[] = [];
  private readonly options: JoinedRoomsOptions;

  constructor(options: JoinedRoomsOptions) {
    this.options = options;
  }

  /** Every joined room, oldest joined first. */
  get all(): RoomRecord[] {
    return this.records;
  }

  /** Reads the joined rooms from the directory (replacing what is held). */
  async load(): Promise<void> {
    this.records = await this.options.directory.list();
  }

  find(roomId: string | undefined): RoomRecord | undefined {
    return this.records.find((r) => r.roomId === roomId);
  }

  /** Holds `record` in place of the one with its id, if any. */
  remember(record: RoomRecord): void {
    const others = this.records.filter((r) => r.roomId !== record.roomId);
    this.records = [...others, record].sort((a, b) => a.joinedAt - b.joinedAt);
  }

  forget(roomId: string): void {
    this.records = this.records.filter((r) => r.roomId !== roomId);
  }

  labelOf(record: RoomRecord): string {
    return record.kind === 'dm' && record.peerUserId
      ? this.options.names.label(record.peerUserId)
      : record.title;
  }

  /** Mutes a room's notifications (its unread count stays), or unmutes them. */
  async setMuted(roomId: string, muted: boolean): Promise<void> {
    const record = this.find(roomId);
    if (!record) return;
    const next: RoomRecord = { ...record, muted };
    if (!muted) delete (next as { muted?: boolean }).muted;
    this.remember(next);
    this.options.changed();
    const stored = await this.options.directory.update(roomId, { muted });
    if (stored) this.remember(stored);
  }

  /**
   * Keeps a group room's title in the list to the name its members gave it in the log (the
   * latest signed room entry), so the list, the header and the page title show it even while
   * the room is closed.
   */
  nameFromLog(state: RoomState): void {
    // The room's name alone: building the whole view of a room not on screen is not needed.
    const name = state.profile()?.name;
    const record = this.find(state.roomId);
    if (!name || !record || record.kind !== 'group' || record.title === name) return;
    this.remember({ ...record, title: name });
    this.options.changed();
    this.options.directory.update(record.roomId, { title: name }).catch((error: unknown) => {
      console.warn('MeshChat could not store the room name', error);
    });
  }
}
