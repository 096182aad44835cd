// Whether this device can reach the network, from two sources: the browser's online/offline
// events (navigator.onLine) and a probe of the app's own server. navigator.onLine alone is not
// enough: after a reload with no network a page may start with onLine true, and some browsers
// never fire `offline` at all; the probe settles it. While offline, the probe is retried with
// backoff, so the app notices the network coming back even without an `online` event.

/** Answers whether the app's server answered (any HTTP response counts). */
export type Probe = () => Promise<boolean>;

export interface ConnectivityOptions {
  readonly probe?: Probe;
  /** Where online/offline events come from (default: window). */
  readonly target?: EventTarget;
  /** The browser's own opinion (default: navigator.onLine). */
  readonly browserOnline?: () => boolean;
  /** Waits between probes while offline, ms; the last repeats (default 2 s, 5 s, 15 s, 30 s). */
  readonly retryMs?: readonly number[];
}

/** Probes `/healthz` beside the app, uncached; a network error (not a status) means offline. */
export function serverProbe(url = new URL('/healthz', location.href).href): Probe {
  return async () => {
    try {
      await fetch(url, { method: 'HEAD', cache: 'no-store' });
      return true;
    } catch {
      return false;
    }
  };
}

/** The device's connectivity, told to subscribers whenever it changes. */
export class Connectivity {
  private readonly probe: Probe;
  private readonly target: EventTarget;
  private readonly browserOnline: () => boolean;
  private readonly retryMs: readonly number[];
  private readonly listeners = new Set<() => void>();
  private state: boolean;
  private failures = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inFlight: Promise<boolean> | undefined;
  private destroyed = false;

  constructor(options: ConnectivityOptions = {}) {
    this.probe = options.probe ?? serverProbe();
    this.target = options.target ?? window;
    this.browserOnline = options.browserOnline ?? (() => navigator.onLine);
    this.retryMs = options.retryMs ?? [2000, 5000, 15_000, 30_000];
    this.state = this.browserOnline();
    this.target.addEventListener('online', this.onEvent);
    this.target.addEventListener('offline', this.onEvent);
    void this.check();
  }

  /** Whether the network is reachable, as far as this tab knows. */
  get online(): boolean {
    return this.state;
  }

  /** Calls `listener` after every change of `online`. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Asks the network now (call it when something suggests it changed: a lost signaling
   * connection, the page shown again). One probe at a time; resolves to the new state.
   */
  check(): Promise<boolean> {
    this.inFlight ??= this.run().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.target.removeEventListener('online', this.onEvent);
    this.target.removeEventListener('offline', this.onEvent);
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.listeners.clear();
  }

  private async run(): Promise<boolean> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const online = this.browserOnline() && (await this.probe());
    if (this.destroyed) return online;
    this.set(online);
    if (online) {
      this.failures = 0;
    } else {
      const wait = this.retryMs[Math.min(this.failures, this.retryMs.length - 1)] ?? 30_000;
      this.failures += 1;
      this.timer = setTimeout(() => void this.check(), wait);
    }
    return online;
  }

  private set(online: boolean): void {
    if (online === this.state) return;
    this.state = online;
    for (const listener of [...this.listeners]) listener();
  }

  private readonly onEvent = (event: Event): void => {
    // The browser's `offline` is trusted at once; `online` is checked against the server.
    if (event.type === 'offline') this.set(false);
    this.failures = 0;
    void this.check();
  };
}
