// A store whose disk failed keeps what it could not write and tries again later, ever less
// often while the failure lasts: a full disk or a busy browser often recovers by itself.

/** When to try again; the defaults suit people, tests pass ManualTime's `after`. */
export interface RetryOptions {
  /** The first wait (default 1 s). */
  readonly initialMs?: number;
  /** The longest wait (default 30 s); each failure doubles the wait up to this. */
  readonly maxMs?: number;
  /** Runs `run` once, `ms` from now; returns a cancel function (default setTimeout). */
  readonly after?: (ms: number, run: () => void) => () => void;
}

const timeoutAfter = (ms: number, run: () => void): (() => void) => {
  const timer = setTimeout(run, ms);
  return () => clearTimeout(timer);
};

/** One pending retry at a time, with a doubling wait that a success resets. */
export class RetryBackoff {
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly after: (ms: number, run: () => void) => () => void;
  private waitMs: number;
  private cancel: (() => void) | undefined;

  constructor(options: RetryOptions = {}) {
    this.initialMs = options.initialMs ?? 1000;
    this.maxMs = options.maxMs ?? 30_000;
    this.after = options.after ?? timeoutAfter;
    this.waitMs = this.initialMs;
  }

  /** Whether a retry is waiting to run. */
  get scheduled(): boolean {
    return this.cancel !== undefined;
  }

  /** Runs `run` after the current wait, unless a retry is waiting already; doubles the wait. */
  schedule(run: () => void): void {
    if (this.cancel) return;
    this.cancel = this.after(this.waitMs, () => {
      this.cancel = undefined;
      run();
    });
    this.waitMs = Math.min(this.maxMs, this.waitMs * 2);
  }

  /** After a success: the next failure waits the first wait again. */
  reset(): void {
    this.waitMs = this.initialMs;
  }

  /** Drops the waiting retry, if any. */
  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
  }
}
