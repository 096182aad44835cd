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
/** A fresh room id for each run of a scenario. */
export const room = (name: string): string => `bench-${name}-${process.pid}-${(rooms += 1)}`;

/** Closes the peers' browser contexts. */
export async function leave(peers: RoomPeer[]): Promise<void> {
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
