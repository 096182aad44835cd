/**
 * The signaling scenario: ours and y-webrtc's stock bin/server.js, one after the other in one
 * run, at the same load. Beside the CPU per delivered message it reports where that CPU goes:
 * the kernel part (system time: the socket writes and the loopback TCP stack behind them, which
 * any server pays for every delivery) and the user part (the server's own code).
 *
 * The kernel part is the floor: a server that spent no user time at all would still cost it.
 * Each row says what that floor is as a share of the stock server's total, so a target below
 * it reads as what it is. A third run, src/bench/bareRelay.ts, is the floor of Node itself: a
 * relay with no checks, limits or heartbeats, frames parsed by hand and written with one
 * write(2) each; no real server in Node costs less.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

import { track } from './children';
import type { BenchRow } from './report';
import type { SignalingLoadResult } from './signalingLoadOptions';
import type { LoadSize } from './signalingRedisBench';

/** The sizes `npm run bench signaling` runs. */
export const SIGNALING_SIZES: readonly LoadSize[] = [
  { clients: 1000, rooms: 100 },
  { clients: 5000, rooms: 500 },
];

/** Publishes per client per second: keeps the load generator itself well below one core. */
const RATE = 0.5;

const fmt = (n: number): string => n.toLocaleString('en-US');
const round = (n: number): number => Number(n.toFixed(2));

/** User and kernel CPU per delivered message of one run (null when unmeasured). */
export function cpuSplit(run: SignalingLoadResult): { user: number; kernel: number } | null {
  const total = run.serverCpuUsPerDelivered;
  const kernel = run.serverSystemCpuUsPerDelivered;
  if (total === null || kernel === null) return null;
  return { user: round(total - kernel), kernel };
}

/**
 * The floor as a share of the stock server's total: what a server spending no user time would
 * reach, taking the smaller of the two measured kernel times (both servers write one frame per
 * delivery; the difference between them is noise or batching, not a cost that must be paid).
 * Null when either run fell behind: a backlog lets frames share writes, which no steady load
 * of a few messages per client per second does.
 */
export function kernelFloor(
  ours: SignalingLoadResult,
  stock: SignalingLoadResult,
): { us: number; ofStock: number } | null {
  const a = cpuSplit(ours);
  const b = cpuSplit(stock);
  const stockTotal = stock.serverCpuUsPerDelivered;
  if (a === null || b === null || stockTotal === null || stockTotal === 0) return null;
  // A server that fell behind wrote many frames per write: its kernel time is no floor.
  if (ours.delivered < ours.expected || stock.delivered < stock.expected) return null;
  const us = Math.min(a.kernel, b.kernel);
  return { us, ofStock: round(us / stockTotal) };
}

function describe(run: SignalingLoadResult): string {
  const split = cpuSplit(run);
  const cpu =
    split === null
      ? '? us'
      : `${run.serverCpuUsPerDelivered} us (user ${split.user} + kernel ${split.kernel})`;
  // A server that fell behind (a loaded machine) stopped with messages still unsent: its
  // figures then cover a different mix of work and do not compare.
  const short =
    run.delivered < run.expected
      ? `; only ${fmt(run.delivered)} of ${fmt(run.expected)} delivered, not comparable`
      : '';
  const calls =
    run.serverWritesPerDelivered === null
      ? ''
      : `; ${run.serverWritesPerDelivered} write + ${run.serverReadsPerDelivered} read calls`;
  return `${cpu}${calls}; ${run.p50Ms}/${run.p99Ms} ms; ${run.serverRssMb ?? '?'} MB; loadgen ${run.loadgenCpuPercent}%${short}`;
}

/**
 * Our user time per delivered message as a share of stock's: the part a server's own code
 * decides (relaying writes each frame to the descriptor, without Node's stream per delivery).
 */
export function userRatio(ours: SignalingLoadResult, stock: SignalingLoadResult): string {
  const a = cpuSplit(ours);
  const b = cpuSplit(stock);
  if (a === null || b === null || b.user <= 0) return '? of stock';
  return `${(a.user / b.user).toFixed(2)}x stock's`;
}

/** The bare relay's CPU per delivered message and its share of stock's, for the anchor. */
export function bareShare(bare: SignalingLoadResult, stock: SignalingLoadResult): string {
  const split = cpuSplit(bare);
  const total = bare.serverCpuUsPerDelivered;
  const stockTotal = stock.serverCpuUsPerDelivered;
  if (split === null || total === null || stockTotal === null || stockTotal === 0) return '?';
  const short = bare.delivered < bare.expected ? ', fell behind: not comparable' : '';
  return `${total} us (user ${split.user} + kernel ${split.kernel}) = ${round(total / stockTotal)}x stock${short}`;
}

/**
 * One load run in a load generator process of its own (src/bench/signaling-load.ts): each
 * server meets a fresh generator. In one shared process the first run paid the generator's
 * warm-up (its compiler, its first collections of the clients' garbage): at 5,000 clients the
 * generator then spent 85% of a core against 54% on the next run, and its own delays showed
 * as the first server's p99.
 */
export async function isolatedLoad(
  server: string,
  size: LoadSize,
  durationSec: number,
): Promise<SignalingLoadResult> {
  const script = join(import.meta.dirname, 'signaling-load.ts');
  const args = [
    '--server',
    server,
    '--clients',
    String(size.clients),
    '--rooms',
    String(size.rooms),
  ];
  args.push('--rate', String(RATE), '--duration', String(durationSec));
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tracked = track(child);
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err = (err + chunk.toString()).slice(-2000)));
  await tracked.exited;
  if (child.exitCode !== 0) {
    throw new Error(`signaling load against ${server} failed (${child.exitCode}): ${err.trim()}`);
  }
  return JSON.parse(out) as SignalingLoadResult;
}

/** Runs each size against ours, then stock, then the bare relay; one row per size. */
export async function signalingScenario(
  sizes: readonly LoadSize[] = SIGNALING_SIZES,
  durationSec = 10,
): Promise<{ raw: SignalingLoadResult[]; rows: BenchRow[] }> {
  const raw: SignalingLoadResult[] = [];
  const rows: BenchRow[] = [];
  for (const size of sizes) {
    const ours = await isolatedLoad('ours', size, durationSec);
    const stock = await isolatedLoad('stock', size, durationSec);
    const bare = await isolatedLoad('bare', size, durationSec);
    raw.push(ours, stock, bare);
    const ratio = (ours.serverCpuUsPerDelivered ?? NaN) / (stock.serverCpuUsPerDelivered ?? NaN);
    const floor = kernelFloor(ours, stock);
    rows.push({
      scenario: 'signaling',
      measure: `C=${fmt(size.clients)}/R=${size.rooms}, ${RATE}/s per client: CPU per delivered message, user + kernel (kernel: the socket write and the loopback TCP stack, paid by any server once per delivery); system calls per delivered message (write-type, read-type; one write per delivery unless frames share writes); p50/p99; RSS; load generator CPU; user: our user time as a share of stock's; floor: the kernel time alone, what a server with no user time would reach, as a share of stock's total`,
      value: `${describe(ours)}; ${ratio.toFixed(2)}x stock; user ${userRatio(ours, stock)}; floor ${floor === null ? '?' : `${floor.us} us = ${floor.ofStock}x stock`}`,
      target: '<= 0.5x stock CPU; p99 and RSS no higher',
      anchor: `stock bin/server.js: ${describe(stock)}; the least any Node relay costs (src/bench/bareRelay.ts): ${bareShare(bare, stock)}`,
      met:
        ours.delivered === ours.expected &&
        stock.delivered === stock.expected &&
        ratio <= 0.5 &&
        ours.p99Ms <= stock.p99Ms &&
        (ours.serverRssMb ?? 0) <= (stock.serverRssMb ?? 0),
    });
  }
  return { raw, rows };
}
