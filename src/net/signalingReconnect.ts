// Signaling reconnects: jittered, instead of lib0's lockstep backoff. Reaches into lib0's
// WebsocketClient (pinned; yInternals.test.ts checks it).
import type { WebrtcProvider } from 'y-webrtc';

/** lib0's WebsocketClient (y-webrtc's SignalingConn) as the reconnect jitter drives it. */
interface ReconnectingClient {
  ws: unknown;
  shouldConnect: boolean;
  readonly connected: boolean;
  connect(): void;
  disconnect(): void;
  on(event: 'connect', listener: () => void): void;
}

export interface ReconnectJitterOptions {
  /** The wait before the next attempt after `failures` failed ones (reconnectDelay). */
  readonly delay: (failures: number) => number;
  /** Runs `run` once after `ms`; returns the cancel function (default setTimeout). */
  readonly after?: (ms: number, run: () => void) => () => void;
  readonly now?: () => number;
}

/** A connection that stayed up this long counts as a success: the backoff starts over. */
const STABLE_MS = 10_000;

const jittered = new WeakSet<object>();

const timeoutAfter = (ms: number, run: () => void): (() => void) => {
  const timer = setTimeout(run, ms);
  return () => clearTimeout(timer);
};

/**
 * Makes the provider's signaling connections reconnect after `options.delay` instead of
 * lib0's fixed schedule (y-webrtc's SignalingConn is a lib0 WebsocketClient, shared by every
 * room of the page that uses its URL; each is taken over once). lib0 schedules its own
 * attempt inside the socket's close handler, right after it sets `ws` to null: at that moment
 * `shouldConnect` is turned off, so lib0's attempt does nothing, and `connect()` runs after
 * the jittered delay. An explicit disconnect() (a room leaving, the page closing) cancels the
 * pending attempt. Call it once the provider has connected (after its key has settled).
 */
export function jitterSignalingReconnects(
  provider: WebrtcProvider,
  options: ReconnectJitterOptions,
): void {
  for (const conn of provider.signalingConns as unknown as ReconnectingClient[]) {
    if (jittered.has(conn)) continue;
    jittered.add(conn);
    takeOverReconnects(conn, options);
  }
}

function takeOverReconnects(conn: ReconnectingClient, options: ReconnectJitterOptions): void {
  const after = options.after ?? timeoutAfter;
  const now = options.now ?? Date.now;
  let failures = 0;
  let connectedAt: number | undefined;
  let cancel: (() => void) | undefined;
  let socket = conn.ws;
  conn.on('connect', () => {
    connectedAt = now();
  });
  Object.defineProperty(conn, 'ws', {
    configurable: true,
    enumerable: true,
    get: () => socket,
    set: (value: unknown) => {
      socket = value;
      // Closed while it should stay connected: lib0 is about to schedule its own attempt.
      if (value !== null || !conn.shouldConnect) return;
      if (connectedAt !== undefined && now() - connectedAt >= STABLE_MS) failures = 0;
      connectedAt = undefined;
      conn.shouldConnect = false;
      cancel?.();
      const wait = options.delay(failures);
      failures += 1;
      cancel = after(wait, () => {
        cancel = undefined;
        conn.connect();
      });
    },
  });
  const disconnect = conn.disconnect.bind(conn);
  conn.disconnect = () => {
    cancel?.();
    cancel = undefined;
    disconnect();
  };
}
