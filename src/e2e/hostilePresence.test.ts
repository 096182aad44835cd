// A hostile member's presence attacks over real WebRTC (separate Chromium contexts, a real
// server process): it writes a forged state for another tab's own client id with clock 2^53-1,
// removes that tab, and replays the card of a user who left. Nobody vanishes, nobody returns.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../testkit/e2e/browser';
import { buildHarness } from '../testkit/e2e/harnessBuild';
import { eventSeen, joinRoom, peersReach, type RoomPeer } from '../testkit/e2e/room';
import { startServer, type ServerProcess } from '../testkit/e2e/serverProcess';

let server: ServerProcess;
let browser: Browser;
let removeHarness: () => void;
let url: string;
const opened: RoomPeer[] = [];

async function join(roomId: string, name: string): Promise<RoomPeer> {
  const peer = await joinRoom(browser, url, { roomId, name });
  opened.push(peer);
  return peer;
}

/** Waits until the page's presence gate has counted at least `count` of `reason`. */
async function gateCounted(page: Page, reason: string, count = 1): Promise<void> {
  await page.waitForFunction(
    ([r, n]) => (window.harness.gateStats()[r] ?? 0) >= Number(n),
    [reason, String(count)] as const,
    { timeout: 30_000, polling: 50 },
  );
}

before(async () => {
  const harness = await buildHarness();
  removeHarness = harness.remove;
  server = await startServer(harness.dir);
  url = `${server.url}/index.html`;
  browser = await launchBrowser();
});

after(async () => {
  for (const peer of opened.splice(0)) await peer.context.close().catch(() => undefined);
  await browser.close();
  assert.equal(await server.stop(), 0);
  removeHarness();
});

describe('hostile presence over WebRTC', () => {
  it(
    'a forged state, a removal and a replayed card change nobody’s presence',
    { timeout: 120_000 },
    async () => {
      const room = `e2e-presence-${process.pid}`;
      const alice = await join(room, 'Alice');
      const bob = await join(room, 'Bob');
      const mallory = await join(room, 'Mallory');
      await Promise.all([alice, bob, mallory].map((p) => peersReach(p.page, 2)));
      await eventSeen(bob.page, 'join', alice.userId);
      await eventSeen(alice.page, 'join', bob.userId);
      const bobClient = await bob.page.evaluate(() => window.harness.clientId());
      const aliceClient = await alice.page.evaluate(() => window.harness.clientId());

      // Bob's own client id, with a bad signature and the largest clock; then a removal.
      await mallory.page.evaluate(
        ([clientId, userId]) => {
          window.harness.attackPresence({ kind: 'forge', clientId, userId });
          window.harness.attackPresence({ kind: 'remove', clientId });
        },
        [bobClient, bob.userId] as const,
      );
      await gateCounted(bob.page, 'own');
      await gateCounted(alice.page, 'invalid');
      await gateCounted(alice.page, 'removals');
      assert.deepEqual(await bob.page.evaluate(() => window.harness.ownCardSessions()), [
        [bob.userId, await bob.page.evaluate(() => window.harness.events()[0]?.sessionId)],
      ]);
      // Bob is still there for Alice after two more of his heartbeats (signed beats).
      const beats = (await alice.page.evaluate(() => window.harness.gateStats())).beats ?? 0;
      await gateCounted(alice.page, 'beats', beats + 2);
      assert.ok(
        (await alice.page.evaluate(() => window.harness.presentUsers())).includes(bob.userId),
      );

      // Mallory keeps Alice's card; Alice leaves; Mallory replays it with the largest clock.
      await mallory.page.evaluate(() => window.harness.attackPresence({ kind: 'capture' }));
      await alice.page.evaluate(() => window.harness.close());
      await eventSeen(bob.page, 'leave', alice.userId);
      const sent = await mallory.page.evaluate(
        (clientId) => window.harness.attackPresence({ kind: 'replay', clientId }),
        aliceClient,
      );
      assert.ok(sent >= 1);
      await gateCounted(bob.page, 'old');
      assert.ok(
        !(await bob.page.evaluate(() => window.harness.presentUsers())).includes(alice.userId),
      );
      const joins = (await bob.page.evaluate(() => window.harness.events())).filter(
        (e) => e.type === 'join' && e.userId === alice.userId,
      );
      assert.equal(joins.length, 1);
    },
  );
});
