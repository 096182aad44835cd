// Older history leaves the live document for sealed segments (src/log/Seals.ts): real
// Chromium contexts, real IndexedDB, real WebRTC through the real signaling server.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { harnessSuite } from '../testkit/e2e/harnessSuite';
import { messagesReach } from '../testkit/e2e/room';

const suite = harnessSuite();

/** Seals past 40 entries, 30 at a time, as soon as the room pauses. */
const SEAL = { above: 40, size: 30, settleMs: 0 };

async function openRoom(
  context: BrowserContext,
  roomId: string,
  options: { storage?: boolean; seal?: typeof SEAL } = {},
): Promise<Page> {
  const page = await context.newPage();
  await page.goto(suite.url());
  await page.evaluate(({ id, o }) => window.harness.open({ roomId: id, name: 'Me', ...o }), {
    id: roomId,
    o: options,
  });
  return page;
}

const sealed = (page: Page) => page.evaluate(() => window.harness.sealed());

describe('sealed history', () => {
  const bounded = { timeout: 120_000 };

  it(
    'keeps the live document small, and a newcomer still gets every message',
    bounded,
    async () => {
      const roomId = `sealed-${process.pid}-1`;
      const aliceContext = await suite.browser().newContext();
      const alice = await openRoom(aliceContext, roomId, { storage: true, seal: SEAL });
      await alice.evaluate(() => window.harness.burst(160, 'old'));
      await messagesReach(alice, 160);
      await alice.waitForFunction(() => window.harness.sealed().live === 40, null, {
        timeout: 60_000,
      });
      assert.deepEqual(await sealed(alice), { checked: 4, live: 40 });

      // Bob has never been here: the document he receives holds 40 entries, the 120 before
      // them come as four segments from Alice over the data channel, checked whole.
      const bobContext = await suite.browser().newContext();
      const bob = await openRoom(bobContext, roomId);
      await messagesReach(bob, 160, 60_000);
      assert.deepEqual(await sealed(bob), { checked: 4, live: 40 });
      assert.deepEqual(
        await bob.evaluate(() => window.harness.messages()),
        await alice.evaluate(() => window.harness.messages()),
      );
      assert.deepEqual(await bob.evaluate(() => window.harness.rejected()), {});
      assert.deepEqual(await alice.evaluate(() => window.harness.rejected()), {});
      await bobContext.close();

      // Carol keeps history on her device: she keeps the segments and reads their messages
      // from there, signed; neither her memory nor her events store holds a copy of each.
      const carolContext = await suite.browser().newContext();
      const carol = await openRoom(carolContext, roomId, { storage: true });
      const storedAt = Date.now();
      while ((await carol.evaluate(() => window.harness.storedMessages())) < 160) {
        assert.ok(Date.now() - storedAt < 60_000, 'the sealed history was not stored in 60 s');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal(await carol.evaluate(() => window.harness.storedMessages()), 160);
      assert.deepEqual(await sealed(carol), { checked: 4, live: 40 });
      // The live entries and the peer's preview of its newest 100: not the 160.
      assert.equal(await carol.evaluate(() => window.harness.messageCount()), 100);
      assert.equal(await carol.evaluate(() => window.harness.storedUnsigned()), 0);
      // Her events store: the 100 messages she took into her log, and joins and leaves.
      const records = await carol.evaluate(() => window.harness.stored());
      assert.ok(records >= 100 && records <= 106, `${records} events stored`);
      // A sealed message its author deleted loses its text in her stored history too, though
      // the segment she reads it from never changes.
      const [oldest] = await carol.evaluate(() => window.harness.storedList());
      assert.ok(oldest?.text, 'the oldest message has its text');
      await carol.evaluate((id) => window.harness.redact([id]), oldest.id);
      const [redacted] = await carol.evaluate(() => window.harness.storedList());
      assert.deepEqual(redacted, { id: oldest.id, text: undefined });
      assert.deepEqual(await carol.evaluate(() => window.harness.rejected()), {});
      await carolContext.close();

      // Alone after a reload, Alice holds only the live entries in memory; the sealed ones
      // are in her stored history, her segments kept unread.
      await alice.reload();
      await alice.evaluate(
        (id) => window.harness.open({ roomId: id, name: 'Me', storage: true }),
        roomId,
      );
      await messagesReach(alice, 40);
      await alice.waitForFunction(() => window.harness.sealed().checked === 4, null, {
        timeout: 30_000,
      });
      assert.deepEqual(await sealed(alice), { checked: 4, live: 40 });
      assert.equal(await alice.evaluate(() => window.harness.messageCount()), 40);
      // Her two joins at least beside the messages (Bob's and Carol's joins and leaves may be there too).
      const stored = await alice.evaluate(() => window.harness.stored());
      assert.ok(stored >= 160 + 2 && stored <= 160 + 6, `${stored} events stored`);
      // Every stored message is marked as checked on this device: the room shows the sealed
      // ones, which the log no longer holds, as verified when she scrolls back.
      assert.equal(await alice.evaluate(() => window.harness.storedUnsigned()), 0);
      await aliceContext.close();
    },
  );
});
