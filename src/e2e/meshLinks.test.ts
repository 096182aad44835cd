// The mesh over real WebRTC between separate Chromium contexts: updates cross over mesh
// frames, and a link that stops carrying data (its channel still "open") is noticed by the
// mesh's liveness pings and rebuilt. Runs inside the test suite's private network namespace.
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

interface MeshView {
  neighbours: string[];
  dead: number;
  traffic: { payloadSent: number; payloadReceived: number };
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

async function join(roomId: string, name: string): Promise<RoomPeer> {
  const peer = await joinRoom(browser, url, { roomId, name });
  opened.push(peer);
  return peer;
}

const meshOf = (peer: RoomPeer): Promise<MeshView | undefined> =>
  peer.page.evaluate(() => window.harness.mesh() as MeshView | undefined);

describe('mesh links over WebRTC', () => {
  it(
    'five tabs joining at once link every pair: no two offers cross',
    { timeout: 120_000 },
    async () => {
      const room = `mesh-five-${process.pid}`;
      const names = ['Ann', 'Bob', 'Cy', 'Di', 'Ed'];
      const peers = await Promise.all(names.map((name) => join(room, name)));
      // Below its target of six links every tab seeks a link to every other. When two tabs
      // dialed each other at once, both offers crossed and left a link that carried nothing.
      await Promise.all(peers.map((p) => peersReach(p.page, names.length - 1, 60_000)));
      for (const p of peers) {
        const view = await meshOf(p);
        assert.equal(view?.neighbours.length, names.length - 1);
      }
      await peers[0]?.page.evaluate(() => window.harness.send('to all four'));
      await Promise.all(peers.map((p) => messagesReach(p.page, 1)));
      for (const p of peers.splice(0)) await p.context.close();
    },
  );

  it(
    "a newcomer never sends the room's history back to the peer that gave it",
    { timeout: 120_000 },
    async () => {
      const room = `mesh-back-${process.pid}`;
      const a = await join(room, 'Ann');
      for (let n = 0; n < 30; n += 1) {
        await a.page.evaluate((text) => window.harness.send(text), `before Bob came ${n}`);
      }
      const b = await join(room, 'Bob');
      await messagesReach(b.page, 30);
      // What y-webrtc's sync answer applied came from Ann: pushing it to her over the mesh
      // sent the room's whole state straight back (2 MB per piece for a large room).
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const view = await meshOf(b);
      assert.ok(view, 'the room runs the mesh');
      assert.equal(view.traffic.payloadSent, 0);
      for (const p of [a, b]) await p.context.close();
      opened.splice(0);
    },
  );

  it(
    'updates cross as mesh frames, and a link that carries nothing is rebuilt',
    { timeout: 120_000 },
    async () => {
      const room = `mesh-${process.pid}`;
      const a = await join(room, 'Ann');
      const b = await join(room, 'Bob');
      await Promise.all([a, b].map((p) => peersReach(p.page, 1)));
      await a.page.evaluate(() => window.harness.send('over the mesh'));
      await messagesReach(b.page, 1);
      const before = await meshOf(b);
      assert.ok(before, 'the room runs the mesh');
      assert.ok(before.traffic.payloadReceived > 0, 'the update came as a mesh frame');
      assert.equal(before.dead, 0);

      // Both sides' channels swallow every send but stay open: the state today's glare leaves.
      await Promise.all([a, b].map((p) => p.page.evaluate(() => window.harness.dropSends(true))));
      await a.page.evaluate(() => window.harness.send('sent into a dead link'));
      // Liveness notices (no answer to pings), closes the link, and the peers find each other again.
      // Whichever side gives up first closes the link; the other only sees it close.
      const deadSeen = (p: RoomPeer): Promise<unknown> =>
        p.page.waitForFunction(
          () => ((window.harness.mesh() as MeshView | undefined)?.dead ?? 0) > 0,
          null,
          { timeout: 60_000 },
        );
      await Promise.any([deadSeen(a), deadSeen(b)]);
      await Promise.all([a, b].map((p) => peersReach(p.page, 1)));
      await messagesReach(b.page, 2, 30_000);
      await b.page.evaluate(() => window.harness.send('and back again'));
      await messagesReach(a.page, 3, 30_000);
    },
  );
});
