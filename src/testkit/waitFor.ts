/**
 * Event-driven waits for contract suites: they resolve on the port's own notifications and
 * fail with a clear message after a bound, never sleep for a fixed time.
 */

/**
 * Resolves once `check()` holds, re-checking whenever `subscribe` reports a change;
 * rejects with `what` after `timeoutMs`.
 */
export function until(
  subscribe: (onChange: () => void) => () => void,
  check: () => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (check()) {
      resolve();
      return;
    }
    const stop = subscribe(() => {
      if (!check()) return;
      clearTimeout(timer);
      stop();
      resolve();
    });
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
  });
}

/** Subscribes one callback to several sources at once. */
export function anyOf(
  sources: readonly ((onChange: () => void) => () => void)[],
): (onChange: () => void) => () => void {
  return (onChange) => {
    const stops = sources.map((subscribe) => subscribe(onChange));
    return () => {
      for (const stop of stops) stop();
    };
  };
}
