// Everything a user has seen survives a reload and a crash: real IndexedDB in a real Chromium
// context, the harness page opening rooms as the app does (RoomSession.open with storage).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../testkit/e2e/browser';
import { buildHarness } from '../testkit/e2e/harnessBuild';
import { messagesReach } from '../testkit/e2e/room';
import { startServer, type ServerProcess } from '../testkit/e2e/serverProcess';

let server: ServerProcess;
let browser: Browser;
let removeHarness: () => void;
let url: string;

before(async () => {
  const harness = await buildHarness();
  removeHarness = harness.remove;
  server = await startServer(harness.dir);
  url = `${server.url}/index.html`;
  browser = await launchBrowser();
});

after(async () => {
  await browser.close();
  await server.stop();
  removeHarness();
});

async function openRoom(context: BrowserContext, roomId: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  await page.evaluate(
    (id) => window.harness.open({ roomId: id, name: 'Me', storage: true }),
    roomId,
  );
  return page;
}

describe('persistence', () => {
  const bounded = { timeout: 90_000 };

  it('keeps a room’s messages across a reload, with nothing stored twice', bounded, async () => {
    const context = await browser.newContext();
    const roomId = `persist-${process.pid}-1`;
    const first = await openRoom(context, roomId);
    await first.evaluate(() => window.harness.burst(300, 'kept'));
    await messagesReach(first, 300);
    await first.waitForFunction(() => window.harness.saved().length === 300, null, {
      timeout: 30_000,
    });
    const before = await first.evaluate(() => window.harness.messages());
    await first.reload();
    await first.evaluate(
      (id) => window.harness.open({ roomId: id, name: 'Me', storage: true }),
      roomId,
    );
    // Offline from peers, alone: everything comes from this context's IndexedDB.
    await messagesReach(first, 300);
    assert.deepEqual(await first.evaluate(() => window.harness.messages()), before);
    // The reload did not replay stored history as new events, nor store it again.
    assert.equal(
      (await first.evaluate(() => window.harness.events())).filter((e) => e.type === 'message')
        .length,
      0,
    );
    const joins = 2; // this tab's own join in each session
    assert.equal(await first.evaluate(() => window.harness.stored()), 300 + joins);
    await context.close();
  });

  it('loses nothing shown as saved when the page crashes mid-burst', bounded, async () => {
    const context = await browser.newContext();
    const roomId = `persist-${process.pid}-2`;
    const page = await openRoom(context, roomId);
    await page.evaluate(() => {
      // Keep sending for a while, in small bursts, so the crash lands in the middle.
      let n = 0;
      const timer = setInterval(() => {
        for (let k = 0; k < 20; k += 1) window.harness.send(`burst ${n++}`);
        if (n >= 4000) clearInterval(timer);
      }, 5);
    });
    await page.waitForFunction(() => window.harness.saved().length >= 500, null, {
      timeout: 30_000,
    });
    const savedBeforeCrash = await page.evaluate(() => window.harness.saved());
    const cdp = await context.newCDPSession(page);
    cdp.send('Page.crash').catch(() => undefined);
    await page.waitForEvent('crash', { timeout: 10_000 }).catch(() => undefined);
    const after = await openRoom(context, roomId);
    await messagesReach(after, savedBeforeCrash.length, 30_000);
    const present = await after.evaluate((ids) => window.harness.hasAll(ids), savedBeforeCrash);
    assert.equal(present, true, `all ${savedBeforeCrash.length} saved messages are back`);
    await context.close();
  });
});
