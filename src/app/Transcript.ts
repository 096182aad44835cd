// What the message log shows: verified messages in the log's converged order, interleaved with
// "joined" / "left" / "ended" notices from the hub's events, over a window of the newest
// entries that grows a page at a time as the user scrolls up.
//
// Notices are news, not noise: this user's own joins and leaves are not shown; nor are the
// joins of people found present when this user opens the room (within QUIET_MS of one of this
// user's own joins: each opening, reload or visit, stored or live); nor a leave followed by
// the same person's join within REJOIN_MS (a reload on their side); nor the end of an earlier
// session of this tab. Consecutive notices with no message between are one line.
import type { ChatEvent } from '../hub/events';
import type { ChatLine, MembersLine, MessageLine, NoticeLine, TranscriptEntry } from './ChatLine';

/** Joins of others this soon after one of this user's own joins are people already there. */
export const QUIET_MS = 15_000;
/** A leave followed by the same person's join this soon is a reload, not news. */
export const REJOIN_MS = 60_000;

export interface TranscriptOptions {
  /** Messages per page of the window (default 200). */
  readonly pageSize?: number;
  /** When this transcript was opened: closes before it are an earlier session's (default now). */
  readonly openedAt?: number;
}

/** Builds the lines of one room's log for one tab. */
export class Transcript {
  private readonly ownUserId: string;
  private readonly pageSize: number;
  private readonly notices: NoticeLine[] = [];
  /** Own joins, by time: the openings that make the joins right after them quiet. */
  private readonly openings: number[] = [];
  private readonly openedAt: number;
  /** The notices worth showing; recomputed after notices changed. */
  private shown: NoticeLine[] | undefined;
  private readonly runs = new Map<string, MembersLine>();
  private readonly noticeIds = new Set<string>();
  private readonly pending = new Set<string>();
  private readonly cache = new Map<string, MessageLine>();
  private limit: number;
  private lastTotal = 0;
  private lastId: string | undefined;
  private hidden = 0;

  constructor(ownUserId: string, options: number | TranscriptOptions = {}) {
    const opts = typeof options === 'number' ? { pageSize: options } : options;
    this.ownUserId = ownUserId;
    this.pageSize = opts.pageSize ?? 200;
    this.limit = this.pageSize;
    this.openedAt = opts.openedAt ?? Date.now();
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
    if (event.userId === this.ownUserId && kind !== 'ended') {
      if (kind === 'left') return false;
      this.openings.push(event.unixTime);
      this.openings.sort((a, b) => a - b);
      this.shown = undefined;
      return true;
    }
    // The end of an earlier session of this tab (stored): this session goes on.
    if (kind === 'ended' && event.unixTime < this.openedAt) return false;
    this.shown = undefined;
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
    const notices = (this.shown ??= this.worthShowing());
    const total = entries.length;
    const start = Math.max(0, total - this.limit);
    this.hidden = start;
    const firstClock = start > 0 ? (entries[start]?.clock ?? 0) : -Infinity;
    const lines: ChatLine[] = [];
    let run: NoticeLine[] = [];
    const endRun = (): void => {
      if (run.length > 0) lines.push(this.collapse(run));
      run = [];
    };
    const take = (notice: NoticeLine): void => {
      if (notice.kind !== 'ended') {
        run.push(notice);
        return;
      }
      endRun();
      lines.push(notice);
    };
    let n = 0;
    for (let i = start; i < total; i += 1) {
      const entry = entries[i] as TranscriptEntry;
      while (n < notices.length && (notices[n] as NoticeLine).time < entry.clock) {
        const notice = notices[n] as NoticeLine;
        if (notice.time >= firstClock) take(notice);
        n += 1;
      }
      endRun();
      lines.push(this.line(entry));
    }
    while (n < notices.length) take(notices[n++] as NoticeLine);
    endRun();
    return lines;
  }

  /** The notices left after dropping the quiet joins and the reloads (see the top). */
  private worthShowing(): NoticeLine[] {
    const dropped = new Set<NoticeLine>();
    const lastLeave = new Map<string, NoticeLine>();
    let o = 0;
    for (const notice of this.notices) {
      if (notice.kind === 'ended' || notice.userId === undefined) continue;
      if (notice.kind === 'left') {
        lastLeave.set(notice.userId, notice);
        continue;
      }
      while (o + 1 < this.openings.length && (this.openings[o + 1] as number) <= notice.time) {
        o += 1;
      }
      const opening = this.openings[o];
      if (opening !== undefined && notice.time >= opening && notice.time - opening < QUIET_MS) {
        dropped.add(notice);
      }
      const leave = lastLeave.get(notice.userId);
      if (leave && notice.time - leave.time < REJOIN_MS) {
        dropped.add(leave);
        dropped.add(notice);
      }
      lastLeave.delete(notice.userId);
    }
    return this.notices.filter((notice) => !dropped.has(notice));
  }

  /** One line for a run of joins and leaves: the notice itself when alone, else a summary. */
  private collapse(run: readonly NoticeLine[]): ChatLine {
    const [first] = run;
    if (!first) throw new Error('collapse: an empty run');
    if (run.length === 1) return first;
    const joined: string[] = [];
    const left: string[] = [];
    for (const notice of run) {
      const into = notice.kind === 'joined' ? joined : left;
      if (notice.userId !== undefined && !into.includes(notice.userId)) into.push(notice.userId);
    }
    const cached = this.runs.get(first.id);
    if (cached && cached.joined.join() === joined.join() && cached.left.join() === left.join()) {
      return cached;
    }
    const line: MembersLine = { kind: 'members', id: first.id, time: first.time, joined, left };
    this.runs.set(first.id, line);
    return line;
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
      // A time ahead of this device's clock (a skewed or hostile author; the log holds back
      // anything over 10 min ahead) is shown as now, never as the future.
      time: Math.min(entry.unixTime, Date.now()),
      own,
      delivered,
      verified,
    };
    this.cache.set(entry.id, line);
    return line;
  }
}
