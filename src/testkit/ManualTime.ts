import type { Ticker } from '../presence/Ticker';

interface Timer {
  readonly run: () => void;
  due: number;
  /** Repeats every this many ms; undefined for a one-shot timer. */
  readonly every: number | undefined;
}

/**
 * Time a test moves by hand, for classes that take a clock, a ticker or a one-shot timer: a
 * heartbeat of 1.8 s of "real" time then costs no real time at all, and no test waits on
 * the machine's speed. `advance` fires every timer that falls due, in time order, and lets
 * the work they queue (microtasks, in-memory links) run before the next one fires.
 */
export class ManualTime {
  private current: number;
  private readonly timers = new Set<Timer>();

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  /** The clock, for `now` options. */
  readonly now = (): number => this.current;

  /** A Ticker on this time, for `ticker` options. */
  readonly ticker: Ticker = (tick, intervalMs) => {
    const every = Math.max(1, intervalMs);
    const timer: Timer = { run: tick, due: this.current + every, every };
    this.timers.add(timer);
    return () => this.timers.delete(timer);
  };

  /** Runs `run` once, `ms` from now; returns the cancel function. */
  readonly after = (ms: number, run: () => void): (() => void) => {
    const timer: Timer = { run, due: this.current + Math.max(0, ms), every: undefined };
    this.timers.add(timer);
    return () => this.timers.delete(timer);
  };

  /** How many timers are waiting. */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves the clock `ms` forward, firing what falls due on the way. */
  async advance(ms: number): Promise<void> {
    const end = this.current + ms;
    for (;;) {
      await settle();
      const next = this.nextDue();
      if (next === undefined || next.due > end) break;
      this.current = Math.max(this.current, next.due);
      if (next.every === undefined) this.timers.delete(next);
      else next.due += next.every;
      next.run();
    }
    this.current = end;
    await settle();
  }

  private nextDue(): Timer | undefined {
    let first: Timer | undefined;
    for (const timer of this.timers) if (!first || timer.due < first.due) first = timer;
    return first;
  }
}

/** Lets every microtask queued so far run (a macrotask turn drains them all). */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
