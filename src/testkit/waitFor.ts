/**
 * The one home of test waits. A test waits for a condition, never for a fixed time: `until`
 * re-checks whenever the object under test reports a change; `poll` re-checks on a short beat,
 * for the few things that announce no change (a server's counters, a layout). Both fail after
 * a bound with a message that names what was awaited. Plain TypeScript: Node and browser tests
 * alike use it.
 */

/** How long a wait lasts before it fails, unless the caller says otherwise. */
export const WAIT_MS = 10_000;

/** Subscribes to change notifications; returns the unsubscribe function. */
export type Subscribe = (onChange: () => void) => () => void;

/**
 * Resolves once `check()` holds, re-checking whenever `subscribe` reports a change; rejects
 * after `timeoutMs` naming `what` (by default the check's own source text), or with the error
 * `check()` throws.
 */
export function until(
  subscribe: Subscribe,
  check: () => boolean,
  what = sourceOf(check),
  timeoutMs = WAIT_MS,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const wait = { done: false, stop: (): void => undefined };
    const finished = (): boolean => wait.done;
    const finish = (error?: Error): void => {
      if (wait.done) return;
      wait.done = true;
      clearTimeout(timer);
      wait.stop();
      if (error) reject(error);
      else resolve();
    };
    const test = (): void => {
      try {
        if (check()) finish();
      } catch (error) {
        finish(error instanceof Error ? error : new Error(`checking for ${what} threw`));
      }
    };
    const timer = setTimeout(() => finish(timedOut(what, timeoutMs)), timeoutMs);
    test();
    if (wait.done) return;
    wait.stop = subscribe(test);
    // A source may report synchronously while it subscribes, and so finish before `wait.stop`
    // was set: unsubscribe now.
    if (finished()) wait.stop();
  });
}

/** Subscribes one callback to several sources at once. */
export function anyOf(sources: readonly Subscribe[]): Subscribe {
  return (onChange) => {
    const stops = sources.map((subscribe) => subscribe(onChange));
    return () => {
      for (const stop of stops) stop();
    };
  };
}

/** How long `poll` waits, and how often it checks. */
export interface PollOptions {
  /** Fail after this long (default `WAIT_MS`). */
  readonly timeoutMs?: number;
  /** Time between checks (default 10 ms). */
  readonly everyMs?: number;
}

/**
 * Resolves once `check()` holds, checking now and then every `everyMs`; rejects after
 * `timeoutMs` naming `what` (by default the check's own source text). Only for conditions that
 * no event announces: prefer `until`.
 */
export async function poll(
  check: () => boolean,
  what = sourceOf(check),
  { timeoutMs = WAIT_MS, everyMs = 10 }: PollOptions = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw timedOut(what, timeoutMs);
    await new Promise((wake) => setTimeout(wake, everyMs));
  }
}

/** Rejects with `what` after `timeoutMs` unless `promise` settles first. */
export function withTimeout<T>(promise: Promise<T>, what: string, timeoutMs = WAIT_MS): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timedOut(what, timeoutMs)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A check's source text, `() => ` left out: what a wait names when not told otherwise. */
function sourceOf(check: () => boolean): string {
  return check
    .toString()
    .replace(/^\(\)\s*=>\s*/, '')
    .replace(/\s+/g, ' ');
}

function timedOut(what: string, timeoutMs: number): Error {
  return new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
