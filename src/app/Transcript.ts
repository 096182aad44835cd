// What the message log shows: verified messages in the log's converged order, interleaved with
// "joined" / "left" / "ended" notices from the hub's events, over a window of the newest
// entries that grows a page at a time as the user scrolls up.
import type { ChatEvent } from '../hub/events';

/** A log entry as the transcript needs it (YjsEventLog's SignedEntry has these fields). */
export interface TranscriptEntry {
  readonly id: string;
  readonly userId: string;
  readonly message: string;
  readonly unixTime: number;
  /** The log's order key (a hybrid logical clock close to ms wall time). */
  readonly clock: number;
  /** Shown from storage without a signature this device holds (see StoredHistory.merge). */
  readonly unverified?: boolean;
}

/** A message: its author is the verified userId, never a name claimed inside the text. */
export interface MessageLine {
  readonly kind: 'message';
  readonly id: string;
  readonly userId: string;
  readonly text: string;
  /** When the author wrote it, ms since the epoch. */
  readonly time: number;
  readonly own: boolean;
  /** False while no peer is known to have received this tab's message. */
  readonly delivered: boolean;
  /**
   * False for a message this device holds no verified signature for (imported from a file):
   * its author is a claim, and the view says so.
   */
  readonly verified: boolean;
}

/** "X has joined the chat", "X has left the chat", "the chat has ended". */
export interface NoticeLine {
  readonly kind: 'joined' | 'left' | 'ended';
  readonly id: string;
  readonly userId?: string;
  readonly time: number;
}

export type ChatLine = MessageLine | NoticeLine;

/** Builds the lines of one room's log for one tab. */
export class Transcript {
  private readonly ownUserId: string;
  private readonly pageSize: number;
  private readonly notices: NoticeLine[] = [];
  private readonly noticeIds = new Set<string>();
  private readonly pending = new Set<string>();
  private readonly cache = new Map<string, MessageLine>();
  private limit: number;
  private lastTotal = 0;
  private lastId: string | undefined;
  private hidden = 0;

  constructor(ownUserId: string, pageSize = 200) {
    this.ownUserId = ownUserId;
    this.pageSize = pageSize;
    this.limit = pageSize;
  }

  /** Whether older entries exist than the window shows. */
  get hasOlder(): boolean {
    return this.hidden > 0;
  }

  /** Takes a hub event; returns whether it added a notice (add/remove and messages do not). */
  addEvent(event: ChatEvent): boolean {
    const kind =
      event.type === 'join'
        ? 'joined'
        : event.type === 'leave'
          ? 'left'
          : event.type === 'close'
            ? 'ended'
            : undefined;
    if (!kind || this.noticeIds.has(event.id)) return false;
    this.noticeIds.add(event.id);
    const notice: NoticeLine = {
      kind,
      id: event.id,
      time: event.unixTime,
      ...(event.userId ? { userId: event.userId } : {}),
    };
    // Kept in time order: stored pages bring older notices after live ones.
    let at = this.notices.length;
    while (at > 0 && (this.notices[at - 1] as NoticeLine).time > notice.time) at -= 1;
    this.notices.splice(at, 0, notice);
    return true;
  }

  /** Marks an own message as not yet delivered to any peer. */
  markPending(id: string): void {
    this.pending.add(id);
  }

  /** Marks messages delivered; returns whether any was pending. */
  deliver(ids: readonly string[]): boolean {
    let changed = false;
    for (const id of ids) changed = this.pending.delete(id) || changed;
    return changed;
  }

  /** Widens the window by one page; returns whether there was anything older to show. */
  showOlder(): boolean {
    if (this.hidden === 0) return false;
    this.widen();
    return true;
  }

  /** Widens the window by one page, for entries about to be added before the oldest. */
  widen(): void {
    this.limit += this.pageSize;
  }

  /** The lines for `entries` (all of the log, in converged order). */
  build(entries: readonly TranscriptEntry[]): ChatLine[] {
    this.followAppended(entries);
    const total = entries.length;
    const start = Math.max(0, total - this.limit);
    this.hidden = start;
    const firstClock = start > 0 ? (entries[start]?.clock ?? 0) : -Infinity;
    const lines: ChatLine[] = [];
    let n = 0;
    for (let i = start; i < total; i += 1) {
      const entry = entries[i] as TranscriptEntry;
      while (n < this.notices.length && (this.notices[n] as NoticeLine).time < entry.clock) {
        const notice = this.notices[n] as NoticeLine;
        if (notice.time >= firstClock) lines.push(notice);
        n += 1;
      }
      lines.push(this.line(entry));
    }
    while (n < this.notices.length) lines.push(this.notices[n++] as NoticeLine);
    return lines;
  }

  /** Grows the window by entries appended at the end, so new messages never push old out. */
  private followAppended(entries: readonly TranscriptEntry[]): void {
    const total = entries.length;
    const grown = total - this.lastTotal;
    const lastId = entries[total - 1]?.id;
    if (grown > 0 && this.lastId !== undefined && lastId !== this.lastId) {
      let appended = 0;
      for (let i = total - 1; i >= Math.max(0, total - grown - 1); i -= 1) {
        if (entries[i]?.id === this.lastId) break;
        appended += 1;
      }
      this.limit += Math.min(appended, grown);
    }
    this.lastTotal = total;
    this.lastId = lastId;
  }

  private line(entry: TranscriptEntry): MessageLine {
    const own = entry.userId === this.ownUserId;
    const delivered = !own || !this.pending.has(entry.id);
    const verified = entry.unverified !== true;
    const cached = this.cache.get(entry.id);
    if (cached?.delivered === delivered && cached.verified === verified) return cached;
    const line: MessageLine = {
      kind: 'message',
      id: entry.id,
      userId: entry.userId,
      text: entry.message,
      time: entry.unixTime,
      own,
      delivered,
      verified,
    };
    this.cache.set(entry.id, line);
    return line;
  }
}
