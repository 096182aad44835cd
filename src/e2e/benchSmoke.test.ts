// Every benchmark scenario at a tiny size, so `npm run bench` cannot rot between runs.
// Timing targets are not asserted here (they live in docs/BENCHMARKS.md); sanity is.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bundleSize } from '../bench/bundleBench';
import { runningChildren } from '../bench/children';
import { coldOpen } from '../bench/coldOpenBench';
import { roomScale } from '../bench/roomScaleBench';
import { append, burst, catchUp, latency, startRig, type BenchRig } from '../bench/webrtcBench';

let rig: BenchRig;
before(async () => {
  rig = await startRig();
});
after(async () => {
  await rig.close();
});

describe('benchmark scenarios, tiny', () => {
  const bounded = { timeout: 90_000 };

  it('latency: measures ours and the raw channel', bounded, async () => {
    const f = await latency(rig, 20);
    assert.equal(f.messages, 20);
    assert.ok(f.p50Ms > 0 && f.rawP50Ms > 0, JSON.stringify(f));
    assert.ok(f.p99Ms >= f.p50Ms);
  });

  it('burst: every receiver gets every message', bounded, async () => {
    const f = await burst(rig, 200);
    assert.equal(f.lost, 0);
    assert.equal(f.receivers, 3);
    assert.ok(f.lastDeliveredMs > 0);
  });

  it('append: times ours and the Y.Array anchor', bounded, async () => {
    const f = await append(rig, 2000);
    assert.ok(f.totalMs > 0 && f.anchorTotalMs > 0, JSON.stringify(f));
  });

  it('catch-up: a late peer gets the newest and then all', bounded, async () => {
    const f = await catchUp(rig, 500);
    assert.ok(f.newest100Ms >= 0 && f.allMs >= f.newest100Ms, JSON.stringify(f));
  });

  it('cold open: the newest cached message renders offline, heap measured', bounded, async () => {
    const f = await coldOpen(rig.browser, 200, 500);
    assert.ok(
      f.newestRenderedMs > 0 && f.heapAtRenderMb > 0 && f.heapLoadedMb > 0,
      JSON.stringify(f),
    );
  });

  it('room scale: Node and browser peers all get every message', bounded, async () => {
    const f = await roomScale(rig, 2, 30);
    const all = JSON.stringify(f);
    assert.equal(f.incomplete, 0, all);
    assert.equal(f.notStarted, 0, all);
    assert.ok(f.allDeliveredMs !== null && f.allDeliveredMs >= 0, all);
    // Three other peers, and every peer connected to all of them before the sending.
    assert.equal(f.wantedConnections, 3, all);
    assert.equal(f.underConnected, 0, all);
    assert.ok(f.connectionsPerPeer >= 1 && f.bytesPerMessagePerPeer > 0, all);
    assert.ok(f.phaseMs.start > 0 && f.phaseMs.connect > 0 && f.phaseMs.deliver > 0, all);
    // It stops what it started: no Node peer process outlives the scenario.
    assert.equal(runningChildren(), 0);
  });

  it('bundle: sizes the JS of the built first page', () => {
    const f = bundleSize(join(import.meta.dirname, '..', '..', 'dist'));
    assert.ok(f.files.length >= 1);
    assert.ok(f.gzipBytes > 1000 && f.gzipBytes < f.rawBytes);
  });
});
