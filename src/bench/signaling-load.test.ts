// A tiny run of the signaling load script against our server and the stock one: every
// message delivered, plausible latency and process figures, and no server left running.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redisMissing } from '../testkit/server/redisProcess.js';
import { runningChildren } from './children.js';
import { runSignalingLoad } from './signaling-load.js';
import { isolatedLoad } from './signalingBench.js';
import type { SignalingLoadResult } from './signalingLoadOptions.js';

function assertSane(result: SignalingLoadResult): void {
  assert.equal(result.clients, 20);
  assert.equal(result.rooms, 4);
  // 20 clients at 5/s for 2 s; each publish reaches the 5 members of its room.
  assert.equal(result.published, 200);
  assert.equal(result.expected, 1000);
  assert.equal(result.delivered, result.expected);
  assert.ok(
    result.deliveredPerSec > 300 && result.deliveredPerSec <= 600,
    `${result.deliveredPerSec}/s`,
  );
  assert.ok(
    result.p50Ms > 0 && result.p50Ms <= result.p99Ms && result.p99Ms < 1000,
    `${result.p50Ms}, ${result.p99Ms}`,
  );
  assert.ok(result.serverRssMb !== null && result.serverRssMb > 10 && result.serverRssMb < 1000);
  assert.ok(result.serverCpuPercent !== null && result.serverCpuPercent > 0);
  assert.ok(result.serverCpuUsPerDelivered !== null && result.serverCpuUsPerDelivered > 0);
  const kernel = result.serverSystemCpuUsPerDelivered;
  assert.ok(
    kernel !== null && kernel >= 0 && kernel <= result.serverCpuUsPerDelivered,
    `${kernel}`,
  );
  // Every delivery is written by some write-type system call, shared or not, and every publish
  // read by a read-type one: at most a few per delivery, never none.
  const writes = result.serverWritesPerDelivered;
  const reads = result.serverReadsPerDelivered;
  assert.ok(writes !== null && writes > 0 && writes < 3, `${writes} writes per delivery`);
  assert.ok(reads !== null && reads > 0 && reads < 3, `${reads} reads per delivery`);
  assert.ok(result.loadgenCpuPercent > 0);
}

function assertGone(pid: number | null): void {
  assert.ok(pid !== null);
  assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, `server ${pid} still running`);
}

describe('signaling-load', () => {
  for (const server of ['ours', 'stock', 'bare']) {
    it(`runs a tiny load against ${server} and cleans up`, async () => {
      let pid: number | null = null;
      const result = await runSignalingLoad({
        server,
        clients: 20,
        rooms: 4,
        ratePerClient: 5,
        durationSec: 2,
        onServerStarted: (started) => (pid = started),
      });
      assertSane(result);
      assert.equal(result.server, server);
      assertGone(pid);
    });
  }

  it(
    'runs a tiny load over two processes sharing a real redis-server, and cleans up',
    { skip: redisMissing() ?? false },
    async () => {
      let pids: readonly (number | null)[] = [];
      const result = await runSignalingLoad({
        server: 'ours',
        clients: 20,
        rooms: 4,
        ratePerClient: 5,
        durationSec: 2,
        processes: 2,
        onStarted: (started) => (pids = started),
      });
      // Every room has members on both processes: all 1,000 deliveries crossed Redis or not.
      assertSane(result);
      assert.equal(result.processes, 2);
      assert.ok(result.redisCpuUsPerDelivered !== null && result.redisCpuUsPerDelivered >= 0);
      assert.ok(result.redisRssMb !== null && result.redisRssMb > 0);
      // Two servers and redis-server, all gone.
      assert.equal(pids.length, 3);
      for (const pid of pids) assertGone(pid);
    },
  );

  it('refuses impossible options before starting anything', async () => {
    await assert.rejects(
      runSignalingLoad({ server: 'ours', clients: 2, rooms: 3, ratePerClient: 1 }),
      /clients >= rooms/,
    );
    await assert.rejects(
      runSignalingLoad({
        server: 'http://example.invalid',
        clients: 1,
        rooms: 1,
        ratePerClient: 1,
      }),
      /ours, stock, bare or a ws\(s\) URL/,
    );
    // Several processes: only ours, and every room needs a member on each.
    for (const options of [
      { server: 'stock', clients: 8, rooms: 4, processes: 2 },
      { server: 'ours', clients: 6, rooms: 4, processes: 2 },
      { server: 'ours', clients: 8, rooms: 4, processes: 1.5 },
    ]) {
      await assert.rejects(
        runSignalingLoad({ ...options, ratePerClient: 1 }),
        /processes/,
        JSON.stringify(options),
      );
    }
  });

  it('runs a load in a generator process of its own, and says why when that fails', async () => {
    const result = await isolatedLoad('ours', { clients: 20, rooms: 4 }, 2);
    assert.equal(result.server, 'ours');
    // 20 clients at 0.5/s for 2 s; each publish reaches the 5 members of its room.
    assert.equal(result.expected, 100);
    assert.equal(result.delivered, result.expected);
    assert.equal(runningChildren(), 0);
    await assert.rejects(
      isolatedLoad('http://example.invalid', { clients: 2, rooms: 1 }, 1),
      /signaling load against http:\/\/example\.invalid failed \(1\): .*ws\(s\) URL/,
    );
    assert.equal(runningChildren(), 0);
  });
});
