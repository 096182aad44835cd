// Every benchmark scenario at a tiny size, so `npm run bench` cannot rot between runs.
// Timing targets are not asserted here (they live in docs/BENCHMARKS.md); sanity is.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { bundleSize } from '../bench/bundleBench';
import { catchUp } from '../bench/catchUpBench';
import { runningChildren } from '../bench/children';
import { coldOpen } from '../bench/coldOpenBench';
import { signVerify } from '../bench/identityBench';
import { roomScale } from '../bench/roomScaleBench';
import { append, burst, latency, startRig, type BenchRig } from '../bench/webrtcBench';
import { buildApp } from '../testkit/e2e/appBuild';
import { startServer } from '../testkit/e2e/serverProcess';
import { say } from '../testkit/e2e/ui';

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

  it('verify: every signature checks out, one key import per user', bounded, async () => {
    const f = await signVerify(rig, 40, 4);
    assert.equal(f.valid, 80, JSON.stringify(f));
    assert.equal(f.imports, f.users, JSON.stringify(f));
    assert.ok(f.signPerSec > 0 && f.verifyUncachedPerSec > 0, JSON.stringify(f));
  });

  it('catch-up: a late peer gets the newest and then all', bounded, async () => {
    const f = await catchUp(rig, 500);
    assert.ok(f.newest100Ms >= 0 && f.allMs >= f.newest100Ms, JSON.stringify(f));
  });

  it(
    'catch-up, sealed: the newcomer syncs the live entries and fetches the segments',
    bounded,
    async () => {
      const f = await catchUp(rig, 500, { live: 100, size: 200 });
      assert.ok(f.newest100Ms >= 0 && f.allMs >= f.newest100Ms, JSON.stringify(f));
      assert.deepEqual(f.sealed && { ...f.sealed, sealMs: 0, heapMB: 0 }, {
        live: 100,
        segments: 2,
        sealMs: 0,
        // The 400 sealed messages are stored, not in memory: only the live 100 are there.
        inMemory: 100,
        heapMB: 0,
      });
      assert.ok((f.sealed?.heapMB ?? 0) > 0, JSON.stringify(f));
    },
  );

  it(
    'catch-up, sealed a chunk at a time as a large room is: the newcomer still gets it all',
    bounded,
    async () => {
      const f = await catchUp(rig, 1000, { live: 200, size: 200, chunk: 400 });
      assert.deepEqual(f.sealed && { ...f.sealed, sealMs: 0, heapMB: 0 }, {
        live: 200,
        segments: 4,
        sealMs: 0,
        inMemory: 200,
        heapMB: 0,
      });
    },
  );

  it(
    'cold open: the newest cached message renders offline, heap measured, paged back',
    bounded,
    async () => {
      const f = await coldOpen(200, 'sealed', 500, { pageBack: true });
      // Every stored message read back to the first (coldOpen throws if it is not `cold 0`).
      assert.equal(f.pageBack?.messages, 200, JSON.stringify(f));
      assert.ok(
        f.newestRenderedMs > 0 && f.heapAtRenderMb > 0 && f.heapLoadedMb > 0,
        JSON.stringify(f),
      );
      // The room code (Yjs) is asked for only after the newest message was painted.
      assert.ok(
        f.roomCodeRequestedMs !== null && f.roomCodeRequestedMs >= f.newestRenderedMs,
        JSON.stringify(f),
      );
    },
  );

  it(
    'cold open beside a CPU-bound process: the order holds, the hog is stopped',
    bounded,
    async () => {
      const f = await coldOpen(200, 'sealed', 500, { busy: true });
      assert.equal(f.busy, true);
      assert.ok(
        f.roomCodeRequestedMs !== null && f.roomCodeRequestedMs >= f.newestRenderedMs,
        JSON.stringify(f),
      );
      assert.equal(runningChildren(), 0);
    },
  );

  it('room scale: Node and browser peers all get every message', bounded, async () => {
    const f = await roomScale(rig, 2, 30);
    const all = JSON.stringify(f);
    assert.equal(f.incomplete, 0, all);
    assert.equal(f.notStarted, 0, all);
    // Both Node peers hosted by one process (five to a process by default).
    assert.equal(f.nodeProcesses, 1, all);
    assert.ok(f.allDeliveredMs !== null && f.allDeliveredMs >= 0, all);
    // Three other peers, and every peer connected to all of them before the sending.
    assert.equal(f.wantedConnections, 3, all);
    assert.equal(f.underConnected, 0, all);
    assert.ok(f.connectionsPerPeer >= 1, all);
    assert.ok(f.bytesPerMessagePerPeer !== null && f.bytesPerMessagePerPeer > 0, all);
    assert.ok(f.phaseMs.start > 0 && f.phaseMs.connect > 0 && f.phaseMs.deliver > 0, all);
    // It stops what it started: no Node peer process outlives the scenario.
    assert.equal(runningChildren(), 0);
  });

  it(
    'bundle: its figures name exactly the JS a room page fetches, all of it precached',
    bounded,
    async () => {
      const app = await buildApp();
      const server = await startServer(app.dir);
      const context = await rig.browser.newContext();
      try {
        const f = bundleSize(app.dir);
        assert.ok(f.files.length >= 1);
        assert.ok(f.gzipBytes > 1000 && f.gzipBytes < f.rawBytes);
        assert.ok(f.roomPage.gzipBytes > f.gzipBytes, JSON.stringify(f));
        const roomFiles = f.roomPage.files.map((file) => `/${file}`).sort();
        // Sealed history is read only in a room that keeps segments, which this one does not
        // (the sealed history e2e reads it): every other chunk is fetched by an action here.
        const sealedReader = new Set(f.onDemandBy['src/storage/SealedPages.ts'] ?? []);
        const allFiles = [
          ...roomFiles,
          ...f.onDemand.files.filter((file) => !sealedReader.has(file)).map((file) => `/${file}`),
        ].sort();
        // The page's own modules, and whether the service worker answered for them (the
        // worker's own script and the ticker's blob worker are not in the page's module graph).
        const fetched = new Map<string, boolean>();
        context.on('response', (response) => {
          const url = response.url();
          if (response.request().resourceType() !== 'script') return;
          if (!url.startsWith(`${server.url}/assets/`) || !response.ok()) return;
          fetched.set(url.slice(server.url.length), response.fromServiceWorker());
        });
        const responses = (page: Page, files: readonly string[]): Promise<unknown> =>
          Promise.all(files.map((file) => page.waitForResponse(`${server.url}${file}`)));
        let sent = false;
        const cardFiles = (f.onDemandBy['src/ui/FileCard.ts'] ?? []).map((file) => `/${file}`);
        const openRoomThenAct = async (): Promise<Page> => {
          fetched.clear();
          const page = await context.newPage();
          // From the second visit on, the room shows the file sent on the first.
          const opening = responses(page, sent ? [...roomFiles, ...cardFiles] : roomFiles);
          await page.goto(`${server.url}/r/bundle-smoke-${process.pid}`);
          await opening;
          await page.getByRole('textbox', { name: 'Message' }).waitFor();
          // A message and a file in the room, so that the log's virtualizer renders and a file
          // shows: sent on the first visit, read from storage on the next (a cold open).
          if (!sent) {
            assert.deepEqual([...fetched.keys()].sort(), roomFiles);
            await say(page, 'bundle smoke message');
            const showingFile = responses(page, cardFiles);
            await page.getByLabel('Attach file').setInputFiles({
              name: 'smoke.txt',
              mimeType: 'text/plain',
              buffer: Buffer.from('bundle smoke file'),
            });
            await showingFile;
            sent = true;
          }
          await page.getByText('bundle smoke message', { exact: true }).waitFor();
          await page.getByRole('button', { name: 'Download smoke.txt' }).waitFor();
          assert.deepEqual([...fetched.keys()].sort(), [...roomFiles, ...cardFiles].sort());
          // An action's chunks not fetched already (two actions may share one, dialog styles).
          const by = (key: string) =>
            (f.onDemandBy[key] ?? [])
              .map((file) => `/${file}`)
              .filter((file) => !fetched.has(file));
          const sharing = responses(page, by('src/ui/QrCode.ts'));
          await page.getByRole('button', { name: 'Share room link' }).click();
          await sharing;
          await page.getByRole('img', { name: 'QR code of the room link' }).waitFor();
          await page.keyboard.press('Escape');
          const searching = responses(page, by('src/app/MessageSearch.ts'));
          await page.getByRole('searchbox', { name: 'Search messages' }).fill('anything');
          await searching;
          await page.getByText('No messages match “anything”.').waitFor();
          const naming = responses(page, by('src/ui/RoomNameDialog.ts'));
          await page.getByRole('button', { name: 'More room actions' }).click();
          await page.getByRole('button', { name: 'Rename room' }).click();
          await naming;
          await page.getByRole('textbox', { name: 'Room name' }).waitFor();
          await page.getByRole('button', { name: 'Cancel' }).click();
          const identity = responses(page, by('src/ui/identityDialogs.ts'));
          await page.getByRole('button', { name: 'Your identity', exact: true }).click();
          await identity;
          const backup = responses(page, by('src/identity/IdentityBackup.ts'));
          await page.getByLabel('Passphrase for the backup').fill('bundle smoke passphrase');
          await page.getByRole('button', { name: 'Export identity' }).click();
          await backup;
          await page.getByText(/^Saved meshchat-identity/).waitFor();
          await page.getByRole('button', { name: 'Close' }).click();
          assert.deepEqual([...fetched.keys()].sort(), allFiles);
          return page;
        };
        await context.addInitScript(() => localStorage.setItem('meshchat:displayName', 'Sizer'));

        const online = await openRoomThenAct();
        // Installed by that first visit: from the next load on, the worker serves every chunk.
        await online.evaluate(async () => {
          await navigator.serviceWorker.ready;
        });
        await online.close();
        await context.setOffline(true);
        await (await openRoomThenAct()).close();
        assert.ok([...fetched.values()].every(Boolean), JSON.stringify([...fetched]));
        // A library's import() the app never takes: built, and never asked for.
        assert.ok(f.neverFetched.length > 0, JSON.stringify(f));
      } finally {
        await context.close();
        await server.stop();
        app.remove();
      }
    },
  );
});
