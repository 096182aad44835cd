// Replication over real WebRTC between separate Chromium contexts, through a real signaling
// server process. Runs inside the test suite's private network namespace.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../testkit/e2e/browser';
import { buildHarness } from '../testkit/e2e/harnessBuild';
import {
  eventSeen,
  eventsOf,
  joinRoom,
  messagesReach,
  peersReach,
  type RoomPeer,
} from '../testkit/e2e/room';
import { startServer, type ServerProcess } from '../testkit/e2e/serverProcess';

let server: ServerProcess;
let browser: Browser;
let removeHarness: () => void;
let url: string;
let roomCounter = 0;
const opened: RoomPeer[] = [];

const freshRoom = (): string => `e2e-${process.pid}-${(roomCounter += 1)}`;

async function join(
  roomId: string,
  name: string,
  extra: Record<string, unknown> = {},
): Promise<RoomPeer> {
  const peer = await joinRoom(browser, url, { roomId, name, ...extra });
  opened.push(peer);
  return peer;
}

async function closeAll(): Promise<void> {
  for (const peer of opened.splice(0)) await peer.context.close().catch(() => undefined);
}

/** An Ed25519 key pair as the harness takes it, so two contexts can be one user. */
function sharedKey(): { pkcs8: string; publicRaw: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return {
    pkcs8: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    publicRaw: spki.subarray(spki.length - 32).toString('base64'),
  };
}

before(async () => {
  const harness = await buildHarness();
  removeHarness = harness.remove;
  server = await startServer(harness.dir);
  url = `${server.url}/index.html`;
  browser = await launchBrowser();
});

after(async () => {
  await closeAll();
  await browser.close();
  assert.equal(await server.stop(), 0);
  removeHarness();
});

describe('replication over WebRTC', () => {
  const bounded = { timeout: 90_000 };
  it('three peers exchange messages and converge to the same order', bounded, async () => {
    const room = freshRoom();
    const peers = [await join(room, 'Ann'), await join(room, 'Ben'), await join(room, 'Cy')];
    await Promise.all(peers.map((p) => peersReach(p.page, 2)));
    for (const [i, peer] of peers.entries()) {
      await peer.page.evaluate((n) => {
        for (let k = 0; k < 5; k += 1) window.harness.send(`peer ${n} says ${k}`);
      }, i);
    }
    await Promise.all(peers.map((p) => messagesReach(p.page, 15)));
    const orders = await Promise.all(
      peers.map((p) => p.page.evaluate(() => window.harness.messages())),
    );
    assert.equal(orders[0]?.length, 15);
    assert.deepEqual(orders[1], orders[0]);
    assert.deepEqual(orders[2], orders[0]);
    // Each message event carries its author's verified id.
    const [ann, ben] = peers as [RoomPeer, RoomPeer, RoomPeer];
    const events = await eventsOf(ann.page);
    const fromBen = events.filter((e) => e.type === 'message' && e.message?.startsWith('peer 1'));
    assert.equal(fromBen.length, 5);
    assert.ok(fromBen.every((e) => e.userId === ben.userId));
    await closeAll();
  });

  it(
    'the same user in two contexts is an add; closing one a remove, the last a leave',
    bounded,
    async () => {
      const room = freshRoom();
      const key = sharedKey();
      const watcher = await join(room, 'Watcher', { presenceTimeoutMs: 4000 });
      const first = await join(room, 'Dana', { key, presenceTimeoutMs: 4000 });
      await eventSeen(watcher.page, 'join', first.userId);
      const second = await join(room, 'Dana', { key, presenceTimeoutMs: 4000 });
      assert.equal(second.userId, first.userId);
      await eventSeen(watcher.page, 'add', first.userId);
      await second.page.evaluate(() => window.harness.close());
      await eventSeen(watcher.page, 'remove', first.userId);
      await first.page.evaluate(() => window.harness.close());
      await eventSeen(watcher.page, 'leave', first.userId);
      const seq = (await eventsOf(watcher.page))
        .filter((e) => e.userId === first.userId)
        .map((e) => e.type);
      assert.deepEqual(seq, ['join', 'add', 'remove', 'leave']);
      await closeAll();
    },
  );

  it(
    'two tabs of one browser share a room over their channel, and a peer elsewhere',
    bounded,
    async () => {
      const room = freshRoom();
      const key = sharedKey();
      const firstTab = await join(room, 'Ann', { key });
      const secondTab = await firstTab.context.newPage();
      await secondTab.goto(url);
      await secondTab.evaluate((o) => window.harness.open(o), { roomId: room, name: 'Ann', key });
      const ben = await join(room, 'Ben');
      // The tabs find each other over the BroadcastChannel, not WebRTC.
      await firstTab.page.waitForFunction(
        () => ((window.harness.status() as { localTabs?: number }).localTabs ?? 0) >= 1,
        undefined,
        { timeout: 30_000, polling: 50 },
      );
      for (const [n, page] of [firstTab.page, secondTab, ben.page].entries()) {
        await page.evaluate((k) => {
          for (let i = 0; i < 5; i += 1) window.harness.send(`from ${k}: ${i}`);
        }, n);
      }
      await Promise.all(
        [firstTab.page, secondTab, ben.page].map((page) => messagesReach(page, 15)),
      );
      const orders = await Promise.all(
        [firstTab.page, secondTab, ben.page].map((page) =>
          page.evaluate(() => window.harness.messages()),
        ),
      );
      assert.equal(orders[0]?.length, 15);
      assert.deepEqual(orders[1], orders[0]);
      assert.deepEqual(orders[2], orders[0]);
      await closeAll();
    },
  );

  it('a crashed context is a leave once its presence times out', bounded, async () => {
    const room = freshRoom();
    const watcher = await join(room, 'Watcher', { presenceTimeoutMs: 3000 });
    const doomed = await join(room, 'Doomed', { presenceTimeoutMs: 3000 });
    await eventSeen(watcher.page, 'join', doomed.userId);
    const cdp = await doomed.context.newCDPSession(doomed.page);
    // The renderer dies before it can answer, so the command is not awaited.
    cdp.send('Page.crash').catch(() => undefined);
    await eventSeen(watcher.page, 'leave', doomed.userId, 1, 20_000);
    await closeAll();
  });

  it('a forged entry is rejected by every other peer', bounded, async () => {
    const room = freshRoom();
    const honest = await join(room, 'Honest');
    const other = await join(room, 'Other');
    const mallory = await join(room, 'Mallory');
    await Promise.all([honest, other, mallory].map((p) => peersReach(p.page, 2)));
    await honest.page.evaluate(() => window.harness.send('genuine'));
    await messagesReach(mallory.page, 1);
    await mallory.page.evaluate(() => {
      // Honest's entry copied with new text: it still points at Honest's signed batch.
      window.harness.forgeAltered('forged-entry-1', 'I did not write this');
      window.harness.send('mallory marker');
    });
    for (const peer of [honest, other]) {
      await messagesReach(peer.page, 2);
      const messages = await peer.page.evaluate(() => window.harness.messages());
      assert.deepEqual(messages.sort(), ['genuine', 'mallory marker']);
      const rejected = await peer.page.evaluate(() => window.harness.rejected());
      assert.equal(rejected['bad-signature'], 1);
    }
    await closeAll();
  });

  it(
    'a late joiner receives a history far beyond y-webrtc’s 256 KiB message limit',
    bounded,
    async () => {
      const room = freshRoom();
      const writer = await join(room, 'Writer');
      await writer.page.evaluate(() =>
        window.harness.burst(6000, 'history message with some ordinary padding'),
      );
      await messagesReach(writer.page, 6000);
      const late = await join(room, 'Late');
      await messagesReach(late.page, 6000, 60_000);
      const [mine, theirs] = await Promise.all(
        [writer, late].map((p) => p.page.evaluate(() => window.harness.messages())),
      );
      assert.deepEqual(theirs, mine);
      await closeAll();
    },
  );

  it('a peer that wrote while disconnected merges on return, nothing lost', bounded, async () => {
    const room = freshRoom();
    const a = await join(room, 'Stay');
    const b = await join(room, 'Roam');
    await Promise.all([a, b].map((p) => peersReach(p.page, 1)));
    await b.page.evaluate(() => window.harness.disconnect());
    await a.page.waitForFunction(
      () => (window.harness.status() as { peers: number }).peers === 0,
      null,
      { timeout: 30_000 },
    );
    await a.page.evaluate(() => window.harness.burst(20, 'online'));
    await b.page.evaluate(() => window.harness.burst(20, 'offline'));
    await messagesReach(b.page, 20);
    // Written while nobody could receive them: marked as not yet delivered.
    assert.equal((await b.page.evaluate(() => window.harness.pending())).length, 20);
    await b.page.evaluate(() => window.harness.reconnect());
    await Promise.all([a, b].map((p) => messagesReach(p.page, 40)));
    const [ma, mb] = await Promise.all(
      [a, b].map((p) => p.page.evaluate(() => window.harness.messages())),
    );
    assert.equal(ma?.length, 40);
    assert.deepEqual(mb, ma);
    await b.page.waitForFunction(() => window.harness.pending().length === 0, null, {
      timeout: 30_000,
    });
    await closeAll();
  });

  it('an update lost on the wire is repaired without a reconnect', bounded, async () => {
    const room = freshRoom();
    const a = await join(room, 'Sender', { antiEntropyMs: 2000 });
    const b = await join(room, 'Receiver', { antiEntropyMs: 2000 });
    await Promise.all([a, b].map((p) => peersReach(p.page, 1)));
    await a.page.evaluate(() => {
      window.harness.dropSends(true);
      window.harness.send('this update is lost');
    });
    await a.page.waitForFunction(() => window.harness.messageCount() === 1);
    await a.page.evaluate(() => window.harness.dropSends(false));
    assert.equal(await b.page.evaluate(() => window.harness.messageCount()), 0);
    // No reconnect: the periodic state-vector round (every 2 s here, 15 s by default) repairs it.
    await messagesReach(b.page, 1, 15_000);
    await closeAll();
  });
});
