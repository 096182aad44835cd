import { intervalTicker, type Ticker } from '../presence/Ticker';
import type { NetworkConfig } from './NetworkConfig';

export interface LiveNetworkConfigOptions {
  /** Fetches the deployment's config (fetchNetworkConfig); rejects when it cannot. */
  readonly fetch: () => Promise<NetworkConfig>;
  /** What to use while no fetch has succeeded: the app's own origin, no ICE servers. */
  readonly fallback: NetworkConfig;
  readonly now?: () => number;
  /** Drives the checks (default setInterval, every 10 s). */
  readonly ticker?: Ticker;
}

/** How often the refresh time is checked: the clock, not a long timer, so sleep is noticed. */
const CHECK_MS = 10_000;
/** Waits between failed fetches: from 5 s, doubling, up to a minute. */
const RETRY_FIRST_MS = 5_000;
const RETRY_MAX_MS = 60_000;

/**
 * The network config of a page that stays open: whatever the last successful fetch said,
 * fetched again before its TURN credentials expire (at `refreshAt`), and after a failed
 * fetch (offline when the page opened) until one succeeds. Rooms read `iceServers` for each
 * new peer connection, so a tab open longer than the credentials' lifetime still relays.
 * Connections made earlier keep the credentials they were made with.
 */
export class LiveNetworkConfig implements NetworkConfig {
  private current: NetworkConfig;
  /** When to fetch next; undefined when nothing expires and the last fetch succeeded. */
  private nextFetch: number | undefined;
  private failures = 0;
  private fetching = false;
  private stopped = false;
  private readonly now: () => number;
  private readonly stopTicker: () => void;

  /**
   * Fetches the config once and keeps it fresh from then on.
   * @returns at once after that first fetch, successful or not (the fallback then).
   */
  static async open(options: LiveNetworkConfigOptions): Promise<LiveNetworkConfig> {
    let first: NetworkConfig | undefined;
    try {
      first = await options.fetch();
    } catch {
      first = undefined;
    }
    return new LiveNetworkConfig(first, options);
  }

  /** @param first the config fetched at start, or undefined when that fetch failed */
  constructor(
    first: NetworkConfig | undefined,
    private readonly options: LiveNetworkConfigOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.current = first ?? options.fallback;
    if (first) this.nextFetch = first.refreshAt;
    else this.failed();
    this.stopTicker = (options.ticker ?? intervalTicker)(() => this.check(), CHECK_MS);
  }

  get signalingUrls(): readonly string[] {
    return this.current.signalingUrls;
  }

  get iceServers(): readonly RTCIceServer[] {
    return this.current.iceServers;
  }

  get refreshAt(): number | undefined {
    return this.current.refreshAt;
  }

  /** Stops fetching (idempotent). */
  stop(): void {
    this.stopped = true;
    this.stopTicker();
  }

  private check(): void {
    if (this.stopped || this.fetching || this.nextFetch === undefined) return;
    if (this.now() < this.nextFetch) return;
    this.fetching = true;
    this.options.fetch().then(
      (config) => {
        this.fetching = false;
        if (this.stopped) return;
        this.current = config;
        this.failures = 0;
        this.nextFetch = config.refreshAt;
      },
      () => {
        this.fetching = false;
        if (!this.stopped) this.failed();
      },
    );
  }

  /** Keeps what it has and tries again later, waiting longer after each failure. */
  private failed(): void {
    const wait = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** this.failures);
    this.failures += 1;
    this.nextFetch = this.now() + wait;
  }
}
