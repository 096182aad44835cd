// The catch-up benchmark: a newcomer joins a large room, whole or sealed into segments, and
// the time it takes to hold the newest messages and then all of them is measured against a
// raw data channel moving the same bytes.
import type { Page } from 'playwright-core';
import { messagesReach } from '../testkit/e2e/room';
import { round } from './stats';
import { leave, room, type BenchRig } from './webrtcBench';

export interface CatchUpFigure {
  readonly messages: number;
  readonly stateBytes: number;
  readonly newest100Ms: number;
  readonly allMs: number;
  /** Bytes the late peer received over its data channels, frames included (as sent). */
  readonly wireBytes: number;
  /** The anchor: the same number of bytes over a raw data channel between two contexts. */
  readonly rawTransferMs: number;
  /**
   * Sealed: entries left in the writer's document, the newcomer's seals checked, the entries
   * it holds in memory (the rest it stored), and its JS heap after a collection at the end.
   */
  readonly sealed?: {
    readonly live: number;
    readonly segments: number;
    readonly sealMs: number;
    readonly inMemory: number;
    readonly heapMB: number;
  };
}

/** How the writer seals: down to `live` entries in its document, `size` per segment. */
export interface SealedRoom {
  readonly live: number;
  readonly size: number;
  /** Written and sealed this many at a time (a large room): the document never holds it all. */
  readonly chunk?: number;
}

/** Milliseconds to move `bytes` over a plain data channel between two fresh contexts. */
async function rawTransfer(rig: BenchRig, bytes: number): Promise<number> {
  const contexts = [await rig.browser.newContext(), await rig.browser.newContext()];
  const [a, b] = await Promise.all(contexts.map((c) => c.newPage()));
  if (!a || !b) throw new Error('rawTransfer: no pages');
  await Promise.all([a.goto(rig.url), b.goto(rig.url)]);
  const offer = await a.evaluate(() => window.raw.offer());
  const answer = await b.evaluate((o) => window.raw.answer(o), offer);
  await a.evaluate((ans) => window.raw.accept(ans), answer);
  await a.waitForFunction(() => window.raw.isOpen(), null, { timeout: 30_000 });
  await b.waitForFunction(() => window.raw.isOpen(), null, { timeout: 30_000 });
  const started = await a.evaluate(([t]) => window.raw.blast(t, 64 * 1024, 4 * 1024 * 1024), [
    bytes,
  ] as const);
  await b.waitForFunction((t) => window.raw.received().bytes >= t, bytes, { timeout: 120_000 });
  const { at } = await b.evaluate(() => window.raw.received());
  for (const context of contexts) await context.close();
  return at - started;
}

/**
 * Waits until the page keeps every sealed segment of its room (`segments`): their messages
 * are then readable from its storage.
 */
async function segmentsKept(page: Page, segments: number, timeoutMs: number): Promise<void> {
  await page.waitForFunction((n) => window.harness.sealed().checked >= n, segments, {
    timeout: timeoutMs,
    polling: 10,
  });
}

/**
 * Waits until the page's stored history holds every event its session received (the records
 * of the live document are written as they arrive, beside the segments).
 */
async function recordsStored(page: Page, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const [stored, received] = await page.evaluate(async () => [
      await window.harness.stored(),
      window.harness.events().length,
    ]);
    if (stored >= received) return;
    if (Date.now() > until) throw new Error(`catch-up: ${stored} of ${received} events stored`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The page's JS heap in MB after a full garbage collection. */
async function heapAfterCollection(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    return usedSize / 1e6;
  } finally {
    await cdp.detach();
  }
}

/**
 * A newcomer joins a room of `messages`. `sealed`: the writer first seals all but the newest
 * entries out of its document (src/log/Seals.ts), so the newcomer syncs a small document and
 * fetches the sealed segments.
 */
export async function catchUp(
  rig: BenchRig,
  messages: number,
  sealed?: SealedRoom,
): Promise<CatchUpFigure> {
  const id = room(sealed ? 'catchup-sealed' : 'catchup');
  const writer = await rig.join(
    id,
    'Writer',
    // A burst of appends runs the hybrid clock ahead of the wall clock (a tick or more per
    // message, over 1,000 s for 1,000,000): settled at once all the same, with room to spare,
    // so the room seals before it joins.
    sealed ? { seal: { above: sealed.live, size: sealed.size, settleMs: -10 * messages } } : {},
  );
  // The writer's time to seal; for a large room, to write and seal it.
  let sealStart = Date.now();
  if (sealed?.chunk) {
    // Written and sealed a chunk at a time, as over years: the document never holds it all.
    await writer.page.evaluate(([n, chunk]) => window.harness.burstSealed(n, 'history', chunk), [
      messages,
      sealed.chunk,
    ] as const);
  } else {
    await writer.page.evaluate((n) => window.harness.burst(n, 'history'), messages);
    await messagesReach(writer.page, messages, 120_000);
    sealStart = Date.now();
  }
  if (sealed) {
    await writer.page.waitForFunction((n) => window.harness.sealed().live <= n, sealed.live, {
      timeout: 180_000,
      polling: 100,
    });
  }
  const sealMs = Date.now() - sealStart;
  const segments = (await writer.page.evaluate(() => window.harness.sealed())).checked;
  const newest = await writer.page.evaluate(() => window.harness.newestIds(100));
  const stateBytes = await writer.page.evaluate(() => window.harness.docBytes());
  // Sealed, the newcomer keeps history on its device as the app does: every message is there
  // once every segment is kept (sealed history is read from the segments, not memory).
  const late = await rig.join(id, 'Late', sealed ? { storage: true } : {});
  await late.page.waitForFunction((ids) => window.harness.hasAll(ids), newest, {
    timeout: 120_000,
    polling: 10,
  });
  const newestAt = await late.page.evaluate(() => window.harness.now());
  if (sealed) {
    await segmentsKept(late.page, segments, 900_000);
    await recordsStored(late.page, 120_000);
  } else await messagesReach(late.page, messages, 180_000);
  const allAt = await late.page.evaluate(() => window.harness.now());
  // Kept segments and stored records together: every message, read as the room view pages.
  const stored = sealed ? await late.page.evaluate(() => window.harness.storedMessages()) : 0;
  if (sealed && stored !== messages) throw new Error(`catch-up: ${stored} messages stored`);
  const inMemory = await late.page.evaluate(() => window.harness.messageCount());
  const heapMB = sealed ? await heapAfterCollection(late.page) : 0;
  const wireBytes = await late.page.evaluate(() => window.harness.bytesReceived());
  const openedAt = await late.page.evaluate(() => window.harness.connectedAt());
  const lateSeals = await late.page.evaluate(() => window.harness.sealed());
  await leave([writer, late]);
  if (openedAt === undefined) throw new Error('catch-up: the late peer never had a connection');
  const rawTransferMs = await rawTransfer(rig, stateBytes);
  return {
    messages,
    stateBytes,
    newest100Ms: round(newestAt - openedAt, 0),
    allMs: round(allAt - openedAt, 0),
    wireBytes,
    rawTransferMs: round(rawTransferMs, 0),
    ...(sealed
      ? {
          sealed: {
            live: lateSeals.live,
            segments: lateSeals.checked,
            sealMs: round(sealMs, 0),
            inMemory,
            heapMB: round(heapMB, 1),
          },
        }
      : {}),
  };
}
