// The signaling server crashes under a room: peers already connected keep chatting over
// WebRTC, and once the server is back every peer's signaling reconnects by itself. (The time
// that takes is a benchmark figure: `npm run bench outage`.)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { signalingOutage } from '../bench/outageBench';
import { launchBrowser } from '../testkit/e2e/browser';

describe('a signaling outage', () => {
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser.close();
  });

  it(
    'does not stop a connected room, and every peer rejoins after it',
    { timeout: 120_000 },
    async () => {
      const f = await signalingOutage(browser, 3, 1000);
      assert.equal(f.keptChatting, true, JSON.stringify(f));
      assert.equal(f.rejoinMs.length, 3, JSON.stringify(f));
    },
  );
});
