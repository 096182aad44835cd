// An installed app may stay open for days: the browser then checks for a new service worker
// only on navigations, which a single-page chat never makes. This asks the registration to
// check every hour and whenever the window comes back into view, at most once a minute. A
// version it finds still waits for the user's "Reload" (registerPwa's update prompt).

/** The part of a ServiceWorkerRegistration this needs. */
export interface Updatable {
  update(): Promise<unknown>;
}

export interface UpdateChecksOptions {
  /** Between two periodic checks, ms (default one hour). */
  readonly everyMs?: number;
  /** Least time between two checks of any kind, ms (default one minute). */
  readonly minGapMs?: number;
  /** Where focus and visibility changes come from (default: window and document). */
  readonly window?: EventTarget;
  readonly document?: EventTarget & { readonly visibilityState: DocumentVisibilityState };
  readonly now?: () => number;
  /** Starts the periodic check; returns its stop (default: setInterval). */
  readonly every?: (ms: number, tick: () => void) => () => void;
}

/** Periodic and on-focus update checks of one registration; stop() ends them. */
export class UpdateChecks {
  private readonly registration: Updatable;
  private readonly minGapMs: number;
  private readonly win: EventTarget;
  private readonly doc: EventTarget & { readonly visibilityState: DocumentVisibilityState };
  private readonly now: () => number;
  private readonly stopTimer: () => void;
  private last: number;
  private stopped = false;

  constructor(registration: Updatable, options: UpdateChecksOptions = {}) {
    this.registration = registration;
    this.minGapMs = options.minGapMs ?? 60_000;
    this.win = options.window ?? window;
    this.doc = options.document ?? document;
    this.now = options.now ?? Date.now;
    // The browser checked while registering: the first check may wait a full gap.
    this.last = this.now();
    const every =
      options.every ??
      ((ms, tick) => {
        const id = setInterval(tick, ms);
        return () => clearInterval(id);
      });
    this.stopTimer = every(options.everyMs ?? 3_600_000, () => void this.check());
    this.win.addEventListener('focus', this.onShown);
    this.doc.addEventListener('visibilitychange', this.onShown);
  }

  /**
   * Asks the browser to look for a new version now, unless it did less than a minute ago.
   * Resolves to whether it asked; a failed check (offline, say) is not an error here.
   */
  async check(): Promise<boolean> {
    if (this.stopped || this.now() - this.last < this.minGapMs) return false;
    this.last = this.now();
    try {
      await this.registration.update();
    } catch {
      // Offline or the server is down: the next check tries again.
    }
    return true;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.stopTimer();
    this.win.removeEventListener('focus', this.onShown);
    this.doc.removeEventListener('visibilitychange', this.onShown);
  }

  private readonly onShown = (): void => {
    if (this.doc.visibilityState === 'visible') void this.check();
  };
}
