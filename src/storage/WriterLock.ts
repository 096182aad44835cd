/**
 * One writer per name across the tabs of this origin, through the Web Locks API. The first to
 * ask holds the lock until it releases it (or its tab closes or crashes, which releases it
 * too); the others wait in line, in order, and the next one is told when its turn comes.
 *
 * Without a LockManager (an insecure context, an old browser) every instance is granted at
 * once: each writes, and the duplicates cost space until compaction, not correctness.
 */
export class WriterLock {
  readonly name: string;
  private readonly locks: LockManager | undefined;
  private readonly abort = new AbortController();
  private isHeld = false;
  private released = false;
  private unlock: (() => void) | undefined;
  private granted: () => void = () => undefined;
  /** Settles when the lock is granted; never, if it is released first. */
  readonly acquired: Promise<void>;

  constructor(name: string, locks: LockManager | null | undefined = defaultLocks()) {
    this.name = name;
    this.locks = locks ?? undefined;
    this.acquired = new Promise<void>((resolve) => (this.granted = resolve));
  }

  /** True while this instance holds the lock. */
  get held(): boolean {
    return this.isHeld;
  }

  /**
   * Takes the lock if it is free now; otherwise gets in line for it. Resolves as soon as it is
   * known which: `held` then tells. Never rejects.
   */
  async start(): Promise<void> {
    const locks = this.locks;
    if (!locks) {
      this.grant();
      return;
    }
    const free = await new Promise<boolean>((answer) => {
      locks
        .request(this.name, { ifAvailable: true }, (lock) => {
          if (!lock || this.released) {
            answer(false);
            return undefined;
          }
          answer(true);
          return this.hold();
        })
        .catch(() => answer(false));
    });
    if (free || this.released) return;
    locks
      .request(this.name, { signal: this.abort.signal }, () =>
        this.released ? undefined : this.hold(),
      )
      // AbortError once released while waiting: nothing to do.
      .catch(() => undefined);
  }

  /** Lets the lock go, or leaves the line. Idempotent. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.isHeld = false;
    this.abort.abort();
    this.unlock?.();
  }

  private hold(): Promise<void> {
    this.grant();
    return new Promise<void>((resolve) => (this.unlock = resolve));
  }

  private grant(): void {
    this.isHeld = true;
    this.granted();
  }
}

function defaultLocks(): LockManager | undefined {
  // navigator.locks is missing outside secure contexts, whatever the DOM typings say.
  return typeof navigator !== 'undefined' && 'locks' in navigator ? navigator.locks : undefined;
}
