/**
 * Signaling over Redis: the same load as the signaling scenario, once against one process of
 * ours and once spread over two processes sharing a real redis-server (started and stopped by
 * the run), with every room's members on both. Reports what the second process and Redis cost
 * per delivered message beside the one-process figures of the same run.
 */
import type { BenchRow } from './report';
import { runSignalingLoad } from './signaling-load';
import type { SignalingLoadResult } from './signalingLoadOptions';

/** One load size: clients spread over rooms. */
export interface LoadSize {
  readonly clients: number;
  readonly rooms: number;
}

/** The sizes `npm run bench signalingredis` runs (those of the signaling scenario). */
export const REDIS_SIZES: readonly LoadSize[] = [
  { clients: 1000, rooms: 100 },
  { clients: 5000, rooms: 500 },
];

const fmt = (n: number): string => n.toLocaleString('en-US');
const orUnknown = (n: number | null): string => (n === null ? '?' : String(n));

/** Runs each size on one process, then on two sharing Redis; one row per size. */
export async function signalingRedis(
  sizes: readonly LoadSize[] = REDIS_SIZES,
  durationSec = 10,
): Promise<{ raw: SignalingLoadResult[]; rows: BenchRow[] }> {
  const raw: SignalingLoadResult[] = [];
  const rows: BenchRow[] = [];
  for (const size of sizes) {
    const load = { server: 'ours', ...size, ratePerClient: 0.5, durationSec };
    const one = await runSignalingLoad(load);
    const two = await runSignalingLoad({ ...load, processes: 2 });
    raw.push(one, two);
    const ratio = (two.serverCpuUsPerDelivered ?? NaN) / (one.serverCpuUsPerDelivered ?? NaN);
    rows.push({
      scenario: 'signaling, Redis',
      measure: `C=${fmt(size.clients)}/R=${size.rooms} over 2 processes sharing Redis (each room on both), ${load.ratePerClient}/s per client: CPU per delivered message (both processes); redis-server CPU per message; p50/p99; RSS (both processes; redis-server); delivered of expected; load generator CPU`,
      value: `${orUnknown(two.serverCpuUsPerDelivered)} us (${ratio.toFixed(2)}x one process); redis ${orUnknown(two.redisCpuUsPerDelivered)} us; ${two.p50Ms}/${two.p99Ms} ms; ${orUnknown(two.serverRssMb)} MB; redis ${orUnknown(two.redisRssMb)} MB; ${fmt(two.delivered)} of ${fmt(two.expected)}; loadgen ${two.loadgenCpuPercent}%`,
      target: 'report',
      anchor: `one process, same run: ${orUnknown(one.serverCpuUsPerDelivered)} us; ${one.p50Ms}/${one.p99Ms} ms; ${orUnknown(one.serverRssMb)} MB; ${fmt(one.delivered)} of ${fmt(one.expected)}`,
    });
  }
  return { raw, rows };
}
