import type { SignedEntry } from './schema';

/** How far ahead of the reader's clock an entry's `t` or `c` may be and still be shown. */
export const MAX_LEAD_MS = 10 * 60_000;
/** Most entries held back at once; beyond it the farthest in the future are dropped. */
export const MAX_HELD = 10_000;
/** setTimeout's largest delay (about 24.8 days). */
const MAX_DELAY = 2 ** 31 - 1;

/**
 * Verified entries dated too far ahead of this reader's clock, held back until the clock
 * catches up. Shown at once, an entry with `c = 2^53-1` would stay last forever and one dated
 * in 2100 would carry every read mark past today's messages; held, it changes nothing until
 * its time comes, and then it sorts where its clock says, as on every other peer.
 */
export class FutureHold {
  private readonly held = new Map<string, { entry: SignedEntry; stored: boolean }>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private destroyed = false;

  constructor(
    private readonly now: () => number,
    /** Called with the entries whose time has come (from a timer, or from release()). */
    private readonly onDue: (entries: SignedEntry[], stored: boolean) => void,
    /** Called with each entry dropped because too many are held. */
    private readonly onDrop: (entry: SignedEntry) => void,
  ) {}

  /** Whether `entry` is dated too far ahead to be shown at `now` (by default, now). */
  early(entry: SignedEntry, now = this.now()): boolean {
    const limit = now + MAX_LEAD_MS;
    return entry.clock > limit || entry.unixTime > limit;
  }

  /** A held entry by id. */
  get(id: string): SignedEntry | undefined {
    return this.held.get(id)?.entry;
  }

  get size(): number {
    return this.held.size;
  }

  /** Holds an entry until its time comes. */
  hold(entry: SignedEntry, stored: boolean): void {
    if (this.destroyed || this.held.has(entry.id)) return;
    this.held.set(entry.id, { entry, stored });
    if (this.held.size > MAX_HELD) {
      let farthest: SignedEntry = entry;
      for (const { entry: e } of this.held.values()) if (due(e) > due(farthest)) farthest = e;
      this.held.delete(farthest.id);
      this.onDrop(farthest);
    }
    this.schedule();
  }

  /** Hands over every held entry whose time has come. */
  release(): void {
    if (this.destroyed) return;
    const ready: { entry: SignedEntry; stored: boolean }[] = [];
    for (const item of this.held.values()) if (!this.early(item.entry)) ready.push(item);
    for (const { entry } of ready) this.held.delete(entry.id);
    const stored = ready.filter((r) => r.stored).map((r) => r.entry);
    const fresh = ready.filter((r) => !r.stored).map((r) => r.entry);
    if (stored.length > 0) this.onDue(stored, true);
    if (fresh.length > 0) this.onDue(fresh, false);
    this.schedule();
  }

  destroy(): void {
    this.destroyed = true;
    clearTimeout(this.timer);
    this.held.clear();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.held.size === 0) return;
    let soonest = Infinity;
    for (const { entry } of this.held.values()) soonest = Math.min(soonest, due(entry));
    const delay = Math.min(MAX_DELAY, Math.max(0, soonest - MAX_LEAD_MS - this.now()));
    this.timer = setTimeout(() => this.release(), delay);
  }
}

function due(entry: SignedEntry): number {
  return Math.max(entry.clock, entry.unixTime);
}
