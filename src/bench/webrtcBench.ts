import type { OpenOptions } from '../testkit/harness/harness';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../testkit/e2e/browser';
import { buildHarness } from '../testkit/e2e/harnessBuild';
import { joinRoom, messagesReach, peersReach, type RoomPeer } from '../testkit/e2e/room';
import { startServer, type ServerProcess } from '../testkit/e2e/serverProcess';
import { quantile, round } from './stats';

/** A running bench setup: the real server, one Chromium, separate contexts per peer. */
export interface BenchRig {
  readonly browser: Browser;
  readonly url: string;
  join(roomId: string, name: string, options?: Partial<OpenOptions>): Promise<RoomPeer>;
  close(): Promise<void>;
}

export async function startRig(): Promise<BenchRig> {
  const harness = await buildHarness();
  const server: ServerProcess = await startServer(harness.dir);
  const browser = await launchBrowser();
  const url = `${server.url}/index.html`;
  const peers: RoomPeer[] = [];
  return {
    browser,
    url,
    async join(roomId, name, options = {}) {
      const peer = await joinRoom(browser, url, { ...options, roomId, name });
      peers.push(peer);
      return peer;
    },
    async close() {
      for (const peer of peers) await peer.context.close().catch(() => undefined);
      await browser.close();
      await server.stop();
      harness.remove();
    },
  };
}

let rooms = 0;
const room = (name: string): string => `bench-${name}-${process.pid}-${(rooms += 1)}`;

async function leave(peers: RoomPeer[]): Promise<void> {
  for (const peer of peers) await peer.context.close().catch(() => undefined);
}

export interface LatencyFigure {
  readonly messages: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly rawP50Ms: number;
  readonly rawP99Ms: number;
  readonly ratioP50: number;
}

/** message() in A to B's subscriber, paced 5 ms apart; anchor: a raw data channel A->B. */
export async function latency(rig: BenchRig, messages: number): Promise<LatencyFigure> {
  const id = room('latency');
  const a = await rig.join(id, 'A');
  const b = await rig.join(id, 'B');
  await Promise.all([peersReach(a.page, 1), peersReach(b.page, 1)]);
  const offer = await a.page.evaluate(() => window.raw.offer());
  const answer = await b.page.evaluate((o) => window.raw.answer(o), offer);
  await a.page.evaluate((ans) => window.raw.accept(ans), answer);
  await a.page.waitForFunction(() => window.raw.isOpen(), null, { timeout: 30_000 });
  await b.page.waitForFunction(() => window.raw.isOpen(), null, { timeout: 30_000 });
  await a.page.evaluate((n) => window.raw.paced(n, 5), messages);
  await b.page.waitForFunction((n) => window.raw.delays().length >= n, messages, {
    timeout: 60_000,
  });
  const raw = await b.page.evaluate(() => window.raw.delays());
  await a.page.evaluate((n) => window.harness.paced(n, 5, 'lat'), messages);
  await b.page.waitForFunction((n) => window.harness.delays('lat').length >= n, messages, {
    timeout: 60_000,
  });
  const ours = await b.page.evaluate(() => window.harness.delays('lat'));
  await leave([a, b]);
  const p50 = quantile(ours, 0.5);
  const rawP50 = quantile(raw, 0.5);
  return {
    messages,
    p50Ms: round(p50),
    p99Ms: round(quantile(ours, 0.99)),
    rawP50Ms: round(rawP50),
    rawP99Ms: round(quantile(raw, 0.99)),
    ratioP50: round(p50 / rawP50),
  };
}

export interface BurstFigure {
  readonly messages: number;
  readonly receivers: number;
  readonly lost: number;
  readonly lastDeliveredMs: number;
}

/** `messages` sent as fast as the API allows from A, received by B, C and D. */
export async function burst(rig: BenchRig, messages: number): Promise<BurstFigure> {
  const id = room('burst');
  const peers = [await rig.join(id, 'A'), await rig.join(id, 'B')];
  peers.push(await rig.join(id, 'C'), await rig.join(id, 'D'));
  await Promise.all(peers.map((p) => peersReach(p.page, 3)));
  const [a, ...receivers] = peers as [RoomPeer, ...RoomPeer[]];
  const started = await a.page.evaluate((n) => {
    const t = window.harness.now();
    window.harness.burst(n, 'burst');
    return t;
  }, messages);
  const results = await Promise.all(
    receivers.map(async (peer) => {
      await messagesReach(peer.page, messages, 60_000).catch(() => undefined);
      return peer.page.evaluate(() => window.harness.lastArrival('burst '));
    }),
  );
  await leave(peers);
  return {
    messages,
    receivers: receivers.length,
    lost: results.reduce((sum, r) => sum + (messages - r.count), 0),
    lastDeliveredMs: round(Math.max(...results.map((r) => r.at)) - started, 0),
  };
}

export interface AppendFigure {
  readonly appends: number;
  readonly totalMs: number;
  readonly firstSliceMs: number;
  readonly lastSliceMs: number;
  readonly anchorTotalMs: number;
  readonly anchorFirstSliceMs: number;
  readonly anchorLastSliceMs: number;
}

/** `appends` appends from one writer, one per call; anchor: a plain Y.Array push loop. */
export async function append(rig: BenchRig, appends: number): Promise<AppendFigure> {
  const context = await rig.browser.newContext();
  const page: Page = await context.newPage();
  await page.goto(rig.url);
  const slice = Math.max(1, Math.round(appends / 10));
  const anchor = await page.evaluate(([n, s]) => window.bench.plainArrayAppend(n, s), [
    appends,
    slice,
  ] as const);
  const ours = await page.evaluate(([n, s]) => window.bench.logAppend(n, s), [
    appends,
    slice,
  ] as const);
  await context.close();
  return {
    appends,
    totalMs: round(ours.totalMs, 0),
    firstSliceMs: round(ours.firstSliceMs, 0),
    lastSliceMs: round(ours.lastSliceMs, 0),
    anchorTotalMs: round(anchor.totalMs, 0),
    anchorFirstSliceMs: round(anchor.firstSliceMs, 0),
    anchorLastSliceMs: round(anchor.lastSliceMs, 0),
  };
}

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
  if (sealed) await segmentsKept(late.page, segments, 900_000);
  else await messagesReach(late.page, messages, 180_000);
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
