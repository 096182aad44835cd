import { spawn } from 'node:child_process';
import type { Page } from 'playwright-core';
import { track, type TrackedChild } from './children';
import { buildApp } from '../testkit/e2e/appBuild';
import { buildHarness } from '../testkit/e2e/harnessBuild';
import { startServer } from '../testkit/e2e/serverProcess';
import { round } from './stats';
import {
  COLD_OPEN_PORT,
  copyProfile,
  launchProfile,
  storedRoom,
  type StoredRoom,
  type StoredShape,
} from './coldOpenStore';

declare global {
  interface Window {
    textShownAt?: number;
  }
}

/** What the page logs once the newest message shows (watchForText). */
const SHOWN = 'cold open: newest message shown';

/**
 * Runs in the page before the app: checks every animation frame (just before it is painted)
 * whether the document shows `text` yet, shadow roots included, notes when it first does and
 * says so on the console. The driver waits for that line rather than for a locator: a
 * locator evaluates Playwright's injected script in the page and polls the DOM with it, on
 * the page's main thread, while the app is starting there. A string, because the bench runs
 * under tsx, whose compiled functions call helpers the page does not have.
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
    if (contains(document)) {
      window.textShownAt = at;
      console.debug(${JSON.stringify(SHOWN)});
    } else requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})();`;

export interface ColdOpenFigure {
  readonly messages: number;
  /** How the room's history was stored: sealed (the app today) or one document (before). */
  readonly shape: StoredShape;
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
  /** The newest message's render time of the opens before the measured one (`opens`). */
  readonly earlierOpensMs: readonly number[];
  /** Whether a CPU-bound process ran beside the browser during the measured load. */
  readonly busy: boolean;
  /** With `pageBack`: the stored history paged back to its first message, as a reader scrolls. */
  readonly pageBack?: PageBackFigure;
}

/** Paging a room's stored history from its newest message back to its first. */
export interface PageBackFigure {
  readonly pages: number;
  readonly messages: number;
  readonly totalMs: number;
  readonly slowestPageMs: number;
}

/** One step of the page's load: a fetch, a paint or a mark, from navigation start. */
export interface TimelineEntry {
  readonly name: string;
  readonly type: string;
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * Runs in the page: what it fetched, painted and marked so far, in order of start, with the
 * navigation's own steps (service worker start, response, DOM). A string, as watchForText.
 */
const timelineOfPage = `(() => {
  const at = (name, type, start, end = start) =>
    ({ name, type, startMs: Math.round(start), endMs: Math.round(end) });
  const steps = performance.getEntriesByType('navigation').flatMap((nav) => [
    at('service worker started', 'navigation', nav.workerStart),
    at('response', 'navigation', nav.responseStart, nav.responseEnd),
    at('DOM interactive', 'navigation', nav.domInteractive),
    at('DOMContentLoaded', 'navigation', nav.domContentLoadedEventStart),
  ]);
  // A file the service worker's static routes served says from where (cache: no worker script).
  const source = (e) => (e.workerFinalSourceType ? ' (' + e.workerFinalSourceType + ')' : '');
  const entries = performance.getEntries().map((e) =>
    at(e.name.replace(location.origin, '') + source(e), e.entryType, e.startTime, e.startTime + e.duration));
  return [...steps, ...entries].sort((a, b) => a.startMs - b.startMs);
})()`;

/** A process that keeps one core busy until stopped: a loaded machine. */
/**
 * Pages the stored room back from its newest message to its first (`cold 0`), as the room view
 * does while its reader scrolls up, on the harness page (same origin, same storage). The app's
 * service worker would answer that page with the app: it is unregistered, and the app's page
 * closed, first; and the context goes online to load the harness, which it does not cache.
 */
async function pageBack(app: Page, url: string, room: StoredRoom): Promise<PageBackFigure> {
  const context = app.context();
  await app.evaluate(async () => {
    for (const registration of await navigator.serviceWorker.getRegistrations()) {
      await registration.unregister();
    }
  });
  await app.close();
  await context.setOffline(false);
  const reader = await context.newPage();
  await reader.goto(`${url}/harness.html`);
  const back = await reader.evaluate((id) => window.harness.pageBack(id), room.roomId);
  await reader.close();
  if (back.messages !== room.messages || back.first !== 'cold 0') {
    throw new Error(`cold open: paged back to ${String(back.first)}, ${back.messages} messages`);
  }
  return {
    pages: back.pages,
    messages: back.messages,
    totalMs: round(back.totalMs, 0),
    slowestPageMs: round(back.slowestPageMs, 1),
  };
}

function cpuHog(): TrackedChild {
  return track(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
}

/**
 * The app with a room of `messages` messages in IndexedDB (stored as `shape`, generated once
 * and cached: coldOpenStore.ts), the context offline, loading the room's page: how soon the
 * newest message is rendered, and the JS heap then and later. Each call runs its own Chromium
 * on a copy of the cached profile.
 */
export async function coldOpen(
  messages: number,
  shape: StoredShape,
  settleMs = 10_000,
  options: {
    readonly busy?: boolean;
    /** A file to write the load's Chromium performance trace to (chrome://tracing, DevTools). */
    readonly trace?: string;
    /** How many times the room is opened, each in a new tab (1); the last one is measured. */
    readonly opens?: number;
    /** Called with the page's resource timeline up to the paint (start/end ms, name). */
    readonly timeline?: (entries: readonly TimelineEntry[]) => void;
    /** Then pages the room's stored history back to its first message (PageBackFigure). */
    readonly pageBack?: boolean;
  } = {},
): Promise<ColdOpenFigure> {
  const busy = options.busy === true;
  let hog: TrackedChild | undefined;
  const app = await buildApp();
  await buildHarness(app.dir, 'harness.html');
  const room = await storedRoom(app.dir, messages, shape);
  const profile = copyProfile(room);
  const server = await startServer(app.dir, { PORT: String(COLD_OPEN_PORT) });
  const context = await launchProfile(profile.dir);
  try {
    const { roomId, newest } = room;
    // A reader who has used the app before: a name, the service worker installed and the app
    // run once from its cache, this room open (as on every later visit, the browser keeps the
    // code it compiled). The visit ends as soon as the newest message shows, well before the
    // app would seal anything (RoomSession seals a few seconds after loading): the
    // single-document anchor stays as stored.
    const visit = await context.newPage();
    await visit.goto(server.url);
    await visit.evaluate(() => localStorage.setItem('meshchat:displayName', 'Reader'));
    await visit.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await visit.goto(`${server.url}/r/${roomId}`);
    await visit.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await visit.getByText(newest, { exact: true }).waitFor({ timeout: 60_000 });
    // Then the app closed: the room is opened in a new tab, with nothing of the app running.
    await visit.close();
    await context.setOffline(true);
    if (busy) hog = cpuHog();
    // Opens before the measured one, each in a new tab closed once its newest message showed.
    const earlierOpensMs: number[] = [];
    for (let i = 1; i < (options.opens ?? 1); i++) {
      const tab = await context.newPage();
      await tab.addInitScript(watchForText(newest));
      const tabShown = tab.waitForEvent('console', {
        predicate: (message) => message.text() === SHOWN,
        timeout: 60_000,
      });
      await tab.goto(`${server.url}/r/${roomId}`);
      await tabShown;
      const shownAt = await tab.evaluate(() => window.textShownAt);
      if (shownAt !== undefined) earlierOpensMs.push(round(shownAt, 0));
      await tab.close();
    }
    const page = await context.newPage();
    await page.addInitScript(watchForText(newest));
    const browser = context.browser();
    const tracing = options.trace !== undefined && browser !== null;
    if (tracing) {
      // Screenshots show the paint; the CPU profiler's samples say which code ran (both slow the
      // load down: compare figures taken without a trace).
      await browser.startTracing(page, {
        path: options.trace,
        screenshots: true,
        categories: [
          'devtools.timeline',
          'disabled-by-default-devtools.timeline',
          'v8.execute',
          'blink.user_timing',
          'loading',
          'disabled-by-default-v8.cpu_profiler',
        ],
      });
    }
    const shown = page.waitForEvent('console', {
      predicate: (message) => message.text() === SHOWN,
      timeout: 60_000,
    });
    await page.goto(`${server.url}/r/${roomId}`);
    await shown;
    if (tracing) await browser.stopTracing();
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
    if (options.timeline) options.timeline(await page.evaluate<TimelineEntry[]>(timelineOfPage));
    const cdp = await context.newCDPSession(page);
    const atRender = await cdp.send('Runtime.getHeapUsage');
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    await cdp.send('HeapProfiler.collectGarbage');
    const loaded = await cdp.send('Runtime.getHeapUsage');
    const back = options.pageBack ? await pageBack(page, server.url, room) : undefined;
    return {
      messages,
      shape,
      newestRenderedMs: round(newestRenderedMs, 0),
      driverSawMs: round(seenMs, 0),
      heapAtRenderMb: round(atRender.usedSize / 2 ** 20, 1),
      heapLoadedMb: round(loaded.usedSize / 2 ** 20, 1),
      roomCodeRequestedMs: roomCodeRequestedMs === null ? null : round(roomCodeRequestedMs, 0),
      earlierOpensMs,
      busy,
      ...(back ? { pageBack: back } : {}),
    };
  } finally {
    await hog?.stop();
    await context.close();
    await server.stop();
    profile.remove();
    app.remove();
  }
}
