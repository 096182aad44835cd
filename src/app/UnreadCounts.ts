import type { LogEntry } from '../hub/ports';
import type { NameBook } from './NameBook';
import type { Notifier } from './Notifier';
import { mentions } from './mentions';
import type { RoomDirectory, RoomRecord } from './RoomDirectory';

/** What unread counting needs of the app around it. */
export interface UnreadCountsOptions {
  readonly userId: string;
  readonly directory: RoomDirectory;
  readonly notifier: Notifier;
  readonly names: NameBook;
  readonly now: () => number;
  /** This user's display name now: "@name" in a group room notifies. */
  readonly displayName: () => string | undefined;
  /** Whether the page is hidden now. */
  readonly isHidden: () => boolean;
  /** The joined room's record, as the app knows it now. */
  record(roomId: string): RoomRecord | undefined;
  /** A record changed in the directory. */
  remember(record: RoomRecord): void;
  /** The room on screen. */
  onScreen(): string | undefined;
  /** Shows a room (a notification was clicked). */
  open(roomId: string): void;
  changed(): void;
}

/**
 * Unread messages per joined room, the read marks behind them, and notifications while the
 * page is hidden: for direct messages, and in group rooms only for messages that mention
 * this user (never for every message of a busy room); none for a room the user muted. A message counts when it is someone else's
 * and its time is after the room's read mark; the mark is set to now (never to a time a
 * message claims), so a message dated in the future cannot silence the ones after it.
 */
export class UnreadCounts {
  private readonly options: UnreadCountsOptions;
  private readonly counts = new Map<string, number>();

  constructor(options: UnreadCountsOptions) {
    this.options = options;
  }

  count(roomId: string): number {
    return this.counts.get(roomId) ?? 0;
  }

  forget(roomId: string): void {
    this.counts.delete(roomId);
  }

  /** New entries of a room: counted, or read at once when the room is on screen. */
  onEntries(roomId: string, entries: readonly LogEntry[]): void {
    const { options } = this;
    const record = options.record(roomId);
    if (!record) return;
    // A read mark stored in the future (by an older version, from a peer's clock) counts as now.
    const readAt = Math.min(record.lastReadAt, options.now());
    const fresh = entries.filter((e) => e.userId !== options.userId && e.unixTime > readAt);
    if (fresh.length === 0) return;
    if (roomId === options.onScreen() && !options.isHidden()) {
      void this.markRead(roomId);
      return;
    }
    this.counts.set(roomId, this.count(roomId) + fresh.length);
    const name = options.displayName();
    const notable =
      record.kind === 'dm' ? fresh : fresh.filter((entry) => mentions(entry.message, name));
    const last = notable[notable.length - 1];
    if (last && options.isHidden() && !record.muted) {
      const who = options.names.label(last.userId);
      const title = record.kind === 'dm' ? who : `${who} in ${record.title}`;
      options.notifier.show(title, last.message, roomId, () => options.open(roomId));
    }
    options.changed();
  }

  /** Marks a room read up to now: never later, whatever times its messages claim. */
  async markRead(roomId: string): Promise<void> {
    this.counts.delete(roomId);
    try {
      const updated = await this.options.directory.update(roomId, {
        lastReadAt: this.options.now(),
      });
      if (updated) this.options.remember(updated);
    } catch {
      // The read mark is kept for this page only.
    }
    this.options.changed();
  }
}
