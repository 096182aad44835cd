import { spawn } from 'node:child_process';
import type { Browser } from 'playwright-core';
import { track, type TrackedChild } from './children';
import { buildApp } from '../testkit/e2e/appBuild';
import { buildHarness } from '../testkit/e2e/harnessBuild';
import { startServer } from '../testkit/e2e/serverProcess';
import { round } from './stats';

declare global {
  interface Window {
    textShownAt?: number;
  }
}

/**
 * Runs in the page before the app: checks every animation frame (just before it is painted)
 * whether the document shows `text` yet, shadow roots included, and notes when it first does.
 * A string, because the bench runs under tsx, whose compiled functions call helpers the page
 * does not have.
 */
const watchForText = (text: string): string => `(() => {
  const text = ${JSON.stringify(text)};
  const contains = (root) => {
    if (root.textContent?.includes(text)) return true;
    for (const element of root.querySelectorAll('*')) {
      if (element.shadowRoot && contains(element.shadowRoot)) return true;
    }
    return false;
  };
  const frame = (at) => {
    if (contains(document)) window.textShownAt = at;
    else requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})();`;

export interface ColdOpenFigure {
  readonly messages: number;
  /** From navigation start until the newest message is on screen. */
  readonly newestRenderedMs: number;
  /** When the benchmark driver, polling on the page's thread, found the newest message. */
  readonly driverSawMs: number;
  readonly heapAtRenderMb: number;
  /** After the room's whole stored state has loaded (`settleMs` later, after a GC). */
  readonly heapLoadedMb: number;
  /**
   * When the page asked for the room code (Yjs and the log, the RoomSession chunk), from
   * navigation start; null if it never did. After `newestRenderedMs`, the room's state was
   * decoded after the newest message was painted, whatever the timing.
   */
  readonly roomCodeRequestedMs: number | null;
  /** Whether a CPU-bound process ran beside the browser during the measured load. */
  readonly busy: boolean;
}

/** A process that keeps one core busy until stopped: a loaded machine. */
function cpuHog(): TrackedChild {
  return track(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
}

/**
 * The app with `messages` cached messages in IndexedDB, the context offline, loading the
 * room's page: how soon the newest message is rendered, and the JS heap then and later.
 * The messages are written through the real RoomSession (harness page, same origin).
 */
export async function coldOpen(
  browser: Browser,
  messages: number,
  settleMs = 10_000,
  options: { readonly busy?: boolean } = {},
): Promise<ColdOpenFigure> {
  const busy = options.busy === true;
  let hog: TrackedChild | undefined;
  const app = await buildApp();
  await buildHarness(app.dir, 'harness.html');
  const server = await startServer(app.dir);
  const context = await browser.newContext();
  try {
    const roomId = `cold-open-${process.pid}-${messages}`;
    const seed = await context.newPage();
    await seed.goto(`${server.url}/harness.html`);
    await seed.evaluate(
      (id) => window.harness.open({ roomId: id, name: 'Writer', storage: true }),
      roomId,
    );
    await seed.evaluate((n) => window.harness.burst(n, 'cold'), messages);
    await seed.waitForFunction((n) => window.harness.saved().length >= n, messages, {
      timeout: 600_000,
      polling: 500,
    });
    await seed.evaluate(() => window.harness.shutdown());
    await seed.close();

    // A reader who has used the app before: a name, and the service worker installed.
    const page = await context.newPage();
    await page.goto(server.url);
    await page.evaluate(() => localStorage.setItem('meshchat:displayName', 'Reader'));
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await context.setOffline(true);
    const newest = `cold ${messages - 1}`;
    await page.addInitScript(watchForText(newest));
    if (busy) hog = cpuHog();
    await page.goto(`${server.url}/r/${roomId}`);
    await page.getByText(newest, { exact: true }).waitFor({ timeout: 60_000 });
    const seenMs = await page.evaluate(() => performance.now());
    // The frame that first showed it; the driver's own look comes later when the page is busy.
    const newestRenderedMs = await page.evaluate(() => window.textShownAt);
    if (newestRenderedMs === undefined) throw new Error('cold open: the frame watcher saw nothing');
    // The room code is asked for a few frames after that paint: wait for the request (or
    // give up after 15 s and report none), rather than read too early and see nothing.
    const roomCodeRequestedMs = await page
      .waitForFunction(
        () =>
          performance
            .getEntriesByType('resource')
            .find((entry) => /\/assets\/RoomSession-[^/]*\.js$/.test(entry.name))?.startTime,
        undefined,
        { timeout: 15_000 },
      )
      .then((handle) => handle.jsonValue() as Promise<number>)
      .catch(() => null);
    const cdp = await context.newCDPSession(page);
    const atRender = await cdp.send('Runtime.getHeapUsage');
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    await cdp.send('HeapProfiler.collectGarbage');
    const loaded = await cdp.send('Runtime.getHeapUsage');
    return {
      messages,
      newestRenderedMs: round(newestRenderedMs, 0),
      driverSawMs: round(seenMs, 0),
      heapAtRenderMb: round(atRender.usedSize / 2 ** 20, 1),
      heapLoadedMb: round(loaded.usedSize / 2 ** 20, 1),
      roomCodeRequestedMs: roomCodeRequestedMs === null ? null : round(roomCodeRequestedMs, 0),
      busy,
    };
  } finally {
    await hog?.stop();
    await context.close();
    await server.stop();
    app.remove();
  }
}
