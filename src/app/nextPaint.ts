/**
 * Settles once the browser has painted what is rendered now: after the next animation frame
 * and one task. No timer decides it: on a loaded machine the frame comes late, but it still
 * comes before whatever waits on it. A hidden page gets no frames and shows nothing, so there
 * it settles at once (or as soon as the page is hidden); without a DOM (Node), after one task.
 */
export function nextPaint(): Promise<void> {
  return paintedFrames(1);
}

/** Settles after `count` painted frames (and one task), on the terms of {@link nextPaint}. */
export function paintedFrames(count: number): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestAnimationFrame !== 'function' || typeof document === 'undefined') {
      setTimeout(resolve, 0);
      return;
    }
    if (document.hidden) {
      resolve();
      return;
    }
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      document.removeEventListener('visibilitychange', onHidden);
      resolve();
    };
    const onHidden = (): void => {
      if (document.hidden) finish();
    };
    document.addEventListener('visibilitychange', onHidden);
    let left = count;
    const frame = (): void => {
      left -= 1;
      if (done) return;
      if (left > 0) requestAnimationFrame(frame);
      else setTimeout(finish, 0);
    };
    requestAnimationFrame(frame);
  });
}
