/**
 * Settles after the browser has had the chance to paint what is rendered now: after the next
 * animation frame and one task. Hidden pages get no frames, so it settles after `capMs` at
 * the latest; without a DOM (Node), after one task.
 */
export function nextPaint(capMs = 250): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestAnimationFrame !== 'function') {
      setTimeout(resolve, 0);
      return;
    }
    const cap = setTimeout(resolve, capMs);
    requestAnimationFrame(() =>
      setTimeout(() => {
        clearTimeout(cap);
        resolve();
      }, 0),
    );
  });
}
