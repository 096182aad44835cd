/** The first wait before reconnecting a dropped signaling connection, before jitter. */
export const RECONNECT_FIRST_MS = 250;
/**
 * The longest wait between two attempts, so that every tab is back within this of the
 * server's return, inside the 3 s the outage benchmark asks (lib0's own cap is 2.5 s).
 */
export const RECONNECT_MAX_MS = 2_000;

/**
 * How long to wait before reconnecting after `failures` attempts in a row that failed (0: the
 * connection just dropped): an exponential envelope from 250 ms up to 2 s, of which a random
 * half is waited ("equal jitter"). y-webrtc's own backoff is the same in every tab, so after an
 * outage every tab retried in the same instant, again and again; with jitter their attempts
 * spread over the envelope's second half and drift further apart with every retry, while none
 * waits longer than the cap.
 * @param random a number in [0, 1) (Math.random, or a seeded one in tests)
 */
export function reconnectDelay(failures: number, random: () => number): number {
  const envelope = Math.min(RECONNECT_MAX_MS, RECONNECT_FIRST_MS * 2 ** Math.max(0, failures));
  const r = Math.min(Math.max(random(), 0), 1);
  return envelope / 2 + (envelope / 2) * r;
}
