import { makeEvent } from '../hub/events';
import type { SignedEntry } from '../log/schema';
import { SegmentError } from '../log/Segment';
import { openKeptSegment } from '../log/SegmentOpen';
import {
  checkCount,
  compareKeys,
  redacted,
  revised,
  storedRecord,
  type HistoryCursor,
  type HistoryPage,
  type StoredEvent,
} from './EventStore';
import type { SegmentInfo, SegmentStore } from './SegmentStore';

/** Opened segments kept in memory: a reader scrolling back pages through one at a time. */
const OPENED_CACHE = 2;

/** Opens a kept segment's bytes into its entries; throws SegmentError if they are not it. */
export type OpenKept = (roomId: string, id: string, bytes: Uint8Array) => Promise<SignedEntry[]>;

/**
 * A room's sealed history read straight from the segments this device keeps (README, "How a
 * long history behaves"): a tab that fetched a room's older history keeps its segments, a few
 * records of hundreds of kilobytes, rather than one stored record per message. Pages are
 * messages in the events store's order (the log's clock, then id), each marked signed (the
 * segment was checked whole before it was kept), with the edits and deletions recorded for
 * sealed messages applied. Segments are opened only when a page reaches back into them.
 */
export class SealedPages {
  /** Opened segments' messages by room and segment id, oldest first; least recently used first. */
  private readonly opened = new Map<string, readonly StoredEvent[]>();

  constructor(
    private readonly segments: SegmentStore,
    private readonly open: OpenKept = openKeptSegment,
  ) {}

  /**
   * The newest `count` sealed messages of `roomId` older than `before` (all of them without
   * it) and, with `after`, newer than `after`: a caller that holds a full page of other history
   * down to `after` needs only what falls between. Segments that do not open are skipped and
   * counted as `skipped` records.
   */
  async page(
    roomId: string,
    count: number,
    before?: HistoryCursor,
    after?: HistoryCursor,
  ): Promise<HistoryPage> {
    checkCount(count);
    const inRange = (order: number, id: string): boolean =>
      (!before || compareKeys(order, id, before.order, before.id) < 0) &&
      (!after || compareKeys(order, id, after.order, after.id) > 0);
    const candidates = (await this.segments.list(roomId)).filter(
      (info) =>
        (!before || compareKeys(info.first.clock, info.first.id, before.order, before.id) < 0) &&
        (!after || compareKeys(info.last.clock, info.last.id, after.order, after.id) > 0),
    );
    const found = new Map<string, StoredEvent>();
    let skipped = 0;
    let left = candidates.length;
    // Newest first, until a page is full and no segment left can hold anything newer.
    while (left > 0) {
      const info = candidates[left - 1] as SegmentInfo;
      if (found.size >= count && this.belowPage(info, found, count)) break;
      left -= 1;
      const events = await this.messages(roomId, info);
      if (!events) {
        skipped += info.count;
        continue;
      }
      for (const stored of events) {
        if (inRange(stored.order, stored.event.id)) found.set(stored.event.id, stored);
      }
    }
    const all = [...found.values()].sort((a, b) =>
      compareKeys(a.order, a.event.id, b.order, b.event.id),
    );
    const kept = all.slice(Math.max(0, all.length - count));
    const first = kept[0];
    const older =
      first && (all.length > kept.length || left > 0)
        ? { order: first.order, id: first.event.id }
        : undefined;
    return { events: await this.amended(roomId, kept), older, skipped };
  }

  /** Forgets what was opened of `roomId` (its segments were deleted). */
  forgetRoom(roomId: string): void {
    for (const key of [...this.opened.keys()]) {
      if (key.startsWith(`${JSON.stringify(roomId)}|`)) this.opened.delete(key);
    }
  }

  /** Whether the segment ends below the oldest of the newest `count` found so far. */
  private belowPage(info: SegmentInfo, found: Map<string, StoredEvent>, count: number): boolean {
    const newest = [...found.values()]
      .sort((a, b) => compareKeys(b.order, b.event.id, a.order, a.event.id))
      .at(count - 1) as StoredEvent;
    return compareKeys(info.last.clock, info.last.id, newest.order, newest.event.id) < 0;
  }

  /** A segment's messages as stored events, opened once and cached; undefined if it will not open. */
  private async messages(
    roomId: string,
    info: SegmentInfo,
  ): Promise<readonly StoredEvent[] | undefined> {
    const key = `${JSON.stringify(roomId)}|${info.id}`;
    const cached = this.opened.get(key);
    if (cached) {
      this.opened.delete(key);
      this.opened.set(key, cached);
      return cached;
    }
    const bytes = await this.segments.get(roomId, info.id);
    if (!bytes) return undefined;
    let entries: SignedEntry[];
    try {
      entries = await this.open(roomId, info.id, bytes);
    } catch (error) {
      if (error instanceof SegmentError) return undefined;
      throw error;
    }
    const events = entries
      .filter((entry) => entry.kind === undefined)
      .map(({ id, userId, message, unixTime, clock }) =>
        storedRecord(
          clock,
          makeEvent({ id, chatroomId: roomId, type: 'message', userId, message, unixTime }),
          true,
        ),
      );
    this.opened.set(key, events);
    while (this.opened.size > OPENED_CACHE) {
      this.opened.delete(this.opened.keys().next().value as string);
    }
    return events;
  }

  /** The page with the recorded edits and deletions of its messages applied. */
  private async amended(roomId: string, page: StoredEvent[]): Promise<StoredEvent[]> {
    if (page.length === 0) return page;
    const amendments = await this.segments.amendments(roomId);
    if (amendments.size === 0) return page;
    return page.map((stored) => {
      if (!amendments.has(stored.event.id)) return stored;
      const text = amendments.get(stored.event.id);
      return text === undefined ? redacted(stored) : revised(stored, text);
    });
  }
}
