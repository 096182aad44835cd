// Waiting for a virtualized list to lay out new items, so that a scroll goes where the rows
// really are: the virtualizer takes items a frame late and measures rows over a frame or two.
import { virtualizerRef, type VirtualizerHostElement } from '@lit-labs/virtualizer/virtualize.js';

/**
 * Runs `work` once the virtualizer in `scroller` (read when needed: the element may render
 * later) has taken the new items and laid them out.
 */
export async function afterLayout(
  scroller: () => VirtualizerHostElement,
  work: () => void,
): Promise<void> {
  try {
    // The virtualizer takes new items a frame later and lays them out over a frame or two;
    // its layoutComplete resolves only if a layout is still to come, so wait for whichever
    // is first, then once more because rows measured taller than estimated move the end.
    await settled(scroller);
    work();
    await settled(scroller);
    work();
  } catch {
    // The element was removed before its layout settled: nothing to scroll.
  }
}

async function settled(scroller: () => VirtualizerHostElement): Promise<void> {
  // Two frames, or a quarter second where frames do not come (a page in the background):
  // a scroll to the end that never finished would keep ignoring the reader's own scrolling.
  const frames = new Promise<void>((resolve) => {
    requestAnimationFrame(() => requestAnimationFrame(() => resolve()));
    setTimeout(resolve, 250);
  });
  await frames;
  // The loser of the race may reject later (the log removed): that is not an error here.
  const layout = scroller()[virtualizerRef]?.layoutComplete.catch(() => undefined);
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, 100));
  await Promise.race([layout, timeout]);
}
