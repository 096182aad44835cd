/** Calls `tick` every `intervalMs` until the returned function is called. */
export type Ticker = (tick: () => void, intervalMs: number) => () => void;

/** A plain setInterval ticker. */
export const intervalTicker: Ticker = (tick, intervalMs) => {
  const timer = setInterval(tick, intervalMs);
  return () => clearInterval(timer);
};

/**
 * A ticker driven by a dedicated worker. Chrome throttles timers in a hidden page to about
 * once a minute, which would let a hidden but open tab's presence time out at its peers; a
 * worker's timer is not throttled that way, and its messages wake the page. Falls back to
 * setInterval where workers are unavailable.
 */
export const workerTicker: Ticker = (tick, intervalMs) => {
  if (typeof Worker === 'undefined' || typeof Blob === 'undefined') {
    return intervalTicker(tick, intervalMs);
  }
  const source = `setInterval(() => postMessage(0), ${Math.max(10, Math.round(intervalMs))});`;
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  let worker: Worker;
  try {
    worker = new Worker(url);
  } catch {
    URL.revokeObjectURL(url);
    return intervalTicker(tick, intervalMs);
  }
  worker.onmessage = () => tick();
  return () => {
    worker.terminate();
    URL.revokeObjectURL(url);
  };
};
