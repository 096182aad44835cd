// A hostile member over real WebRTC (separate Chromium contexts, a real server process): it
// rewrites and deletes every key of the room's log; honest peers write back what they
// verified, and a newcomer that joins afterwards shows exactly the honest history.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../testkit/e2e/browser';
import { buildHarness } from '../testkit/e2e/harnessBuild';
import { joinRoom, messagesReach, peersReach, type RoomPeer } from '../testkit/e2e/room';
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

describe('hostile history over WebRTC', () => {
  it(
    'keys rewritten and deleted by a member: a newcomer shows the honest history',
    { timeout: 120_000 },
    async () => {
      const room = `e2e-hostile-${process.pid}`;
      const alice = await join(room, 'Alice');
      const bob = await join(room, 'Bob');
      const mallory = await join(room, 'Mallory');
      await Promise.all([alice, bob, mallory].map((p) => peersReach(p.page, 2)));
      await alice.page.evaluate(() => {
        for (const text of ['one', 'two', 'three']) window.harness.send(text);
      });
      await Promise.all([bob, mallory].map((p) => messagesReach(p.page, 3)));

      await mallory.page.evaluate(async () => {
        window.harness.turnHostile();
        await window.harness.rewriteHistory(' (rewritten)');
      });
      // Every honest peer saw the rewrite and wrote the history back; the adversary's own
      // replica holds it again.
      await mallory.page.waitForFunction(
        () => window.harness.documentTexts().join() === 'one,three,two',
        undefined,
        { timeout: 30_000, polling: 50 },
      );
      await mallory.page.evaluate(() => window.harness.deleteHistory());
      await mallory.page.waitForFunction(
        () => window.harness.documentTexts().join() === 'one,three,two',
        undefined,
        { timeout: 30_000, polling: 50 },
      );
      // Between them the honest peers caught every rewrite and every deletion. Not each of
      // them: a peer that receives the other's restoration before Mallory's deletion sees
      // the entry replaced by its own content and has nothing to turn away.
      const counted = { overwritten: 0, deleted: 0 };
      for (const peer of [alice, bob]) {
        const rejected = await peer.page.evaluate(() => window.harness.rejected());
        counted.overwritten += rejected.overwritten ?? 0;
        counted.deleted += rejected.deleted ?? 0;
        assert.deepEqual(await peer.page.evaluate(() => window.harness.messages()), [
          'one',
          'two',
          'three',
        ]);
      }
      assert.ok(counted.overwritten >= 3, JSON.stringify(counted));
      assert.ok(counted.deleted >= 3, JSON.stringify(counted));

      // Alice leaves; with Bob the only honest peer online, a newcomer joins.
      await alice.context.close();
      const carol = await join(room, 'Carol');
      await peersReach(carol.page, 2);
      await messagesReach(carol.page, 3);
      assert.deepEqual(await carol.page.evaluate(() => window.harness.messages()), [
        'one',
        'two',
        'three',
      ]);
      assert.deepEqual(await carol.page.evaluate(() => window.harness.rejected()), {});
    },
  );

  it(
    '10 MB written under another root by a member: nobody keeps it; messages still flow',
    { timeout: 120_000 },
    async () => {
      const room = `e2e-junk-${process.pid}`;
      const alice = await join(room, 'Alice');
      const mallory = await join(room, 'Mallory');
      await Promise.all([alice, mallory].map((p) => peersReach(p.page, 1)));
      await mallory.page.evaluate(() => {
        window.harness.turnHostile();
        window.harness.writeOtherRoot(10 * 1024 * 1024);
        // A marker after it on the same channel: once Alice's log has turned it away, the
        // junk has reached her too, and Mallory's writes after it still integrate there.
        window.harness.forge('marker-after-junk', { bad: true });
      });
      await alice.page.waitForFunction(
        () => Object.keys(window.harness.rejected()).length > 0,
        undefined,
        { timeout: 60_000, polling: 50 },
      );
      const bytes = await alice.page.evaluate(() => window.harness.documentBytes());
      assert.ok(bytes < 64 * 1024, `Alice's document is ${bytes} bytes`);
      // Honest messages still flow.
      await alice.page.evaluate(() => window.harness.send('after the junk'));
      await mallory.page.waitForFunction(
        () => window.harness.documentTexts().includes('after the junk'),
        undefined,
        { timeout: 30_000, polling: 50 },
      );
    },
  );
});
