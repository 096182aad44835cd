// Edit, delete, reply, react and naming the room between two people over real WebRTC: the built app served by the real
// server, two separate Chromium contexts inside the suite's private network namespace.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { appSuite } from '../testkit/e2e/appSuite';
import { axeViolations, say, type AppUser } from '../testkit/e2e/ui';

const suite = appSuite();

const messageLog = (page: Page) => page.getByRole('log');

/** Every stored text of this page's event store (the IndexedDB history of its rooms). */
function storedTexts(page: Page): Promise<string[]> {
  return page.evaluate(
    () =>
      new Promise<string[]>((resolve, reject) => {
        const open = indexedDB.open('meshchat-chat');
        open.onerror = () => reject(open.error ?? new Error('open failed'));
        open.onsuccess = () => {
          const all = open.result.transaction('events').objectStore('events').getAll();
          all.onerror = () => reject(all.error ?? new Error('read failed'));
          all.onsuccess = () => {
            const records = all.result as { event: { message?: string } }[];
            open.result.close();
            resolve(records.flatMap((r) => (r.event.message ? [r.event.message] : [])));
          };
        };
      }),
  );
}

const pair = (): Promise<{ ann: AppUser; ben: AppUser }> => suite.pair();

describe('message actions between two browsers', () => {
  it(
    'finds an old message by a word, in any room, and shows it in its room',
    { timeout: 120_000 },
    async () => {
      const { ann, ben } = await pair();
      await say(ben.page, 'The tickets are in the blue folder');
      for (let i = 0; i < 5; i += 1) await say(ben.page, `filler ${String(i)}`);
      await messageLog(ann.page).getByText('filler 4').waitFor({ timeout: 30_000 });
      // A second room, open on screen while Ann searches the first.
      await ann.page.getByRole('button', { name: 'Create room' }).click();
      await ann.page.getByRole('textbox', { name: 'Message' }).waitFor();
      const search = ann.page.getByRole('searchbox', { name: 'Search messages' });
      await search.fill('ticket fold');
      // What the search box says once the search is done: the outcome, or its error.
      const status = ann.page.locator('chat-message-search').getByRole('status');
      await status.filter({ hasText: /found|match|failed/ }).waitFor({ timeout: 30_000 });
      assert.equal(await status.innerText(), '1 message found.');
      const result = ann.page.getByRole('list', { name: 'Search results' }).getByRole('button');
      assert.equal(await result.count(), 1);
      assert.match(await result.first().innerText(), /Ben in Room/);
      assert.deepEqual(await axeViolations(ann.page), []);
      await result.first().click();
      await messageLog(ann.page)
        .getByText('The tickets are in the blue folder')
        .waitFor({ timeout: 30_000 });
      await ann.page.getByRole('searchbox', { name: 'Search messages' }).fill('zebra');
      await ann.page.getByText('No messages match “zebra”.').waitFor();
      assert.deepEqual([...ann.errors, ...ben.errors], []);
    },
  );

  it(
    'two people name the room, reply and react; each sees the other’s',
    { timeout: 120_000 },
    async () => {
      const { ann, ben } = await pair();
      await ann.page.getByRole('button', { name: 'More room actions' }).click();
      await ann.page.getByRole('button', { name: 'Rename room' }).click();
      await ann.page.getByRole('textbox', { name: 'Room name' }).fill('Trip to Lyon');
      await ann.page.getByRole('textbox', { name: /Topic/ }).fill('May 3-7');
      await ann.page.getByRole('button', { name: 'Save' }).click();
      await ben.page.getByRole('heading', { name: 'Trip to Lyon' }).waitFor({ timeout: 30_000 });
      await ben.page.getByText('May 3-7').waitFor();
      await ben.page.waitForFunction(() => document.title.includes('Trip to Lyon'));

      await say(ben.page, 'Train or car?');
      const question = messageLog(ann.page).getByText('Train or car?');
      await question.waitFor({ timeout: 30_000 });
      await question.hover();
      await ann.page.getByRole('button', { name: 'Reply', exact: true }).click();
      await ann.page.getByText(/Replying to\s*Ben/).waitFor();
      await say(ann.page, 'Train!');
      const quote = messageLog(ben.page).getByRole('button', {
        name: /Reply to Ben.*Train or car\?.*Show the original/,
      });
      await quote.waitFor({ timeout: 30_000 });

      await messageLog(ben.page).getByText('Train!').hover();
      await ben.page.getByRole('button', { name: 'React', exact: true }).last().click();
      await ben.page.getByRole('button', { name: 'React with 👍' }).click();
      const chip = messageLog(ann.page).getByRole('button', { name: '👍 1: Ben' });
      await chip.waitFor({ timeout: 30_000 });
      assert.equal(await chip.getAttribute('aria-pressed'), 'false');
      // Ann adds hers with the same button; Ben sees two.
      await chip.click();
      await messageLog(ben.page)
        .getByRole('button', { name: '👍 2: Ben, Ann' })
        .waitFor({ timeout: 30_000 });
      assert.deepEqual(await axeViolations(ben.page), []);
      assert.deepEqual([...ann.errors, ...ben.errors], []);
    },
  );

  it(
    'an author edits and deletes a message; the other person sees both',
    { timeout: 120_000 },
    async () => {
      const { ann, ben } = await pair();
      await say(ann.page, 'helo wrld');
      await messageLog(ben.page).getByText('helo wrld').waitFor({ timeout: 30_000 });
      // Ben has no actions on Ann's message.
      assert.equal(await ben.page.getByRole('button', { name: 'Edit' }).count(), 0);

      await messageLog(ann.page).getByText('helo wrld').hover();
      await ann.page.getByRole('button', { name: 'Edit' }).click();
      const box = ann.page.getByRole('textbox', { name: 'Edit message' });
      await box.fill('hello world');
      await box.press('Enter');
      await messageLog(ben.page).getByText('hello world').waitFor({ timeout: 30_000 });
      await messageLog(ben.page).getByText('edited', { exact: true }).waitFor();
      assert.equal(await messageLog(ben.page).getByText('helo wrld').count(), 0);
      assert.deepEqual(await axeViolations(ben.page), []);

      await messageLog(ann.page).getByText('hello world').hover();
      await ann.page.getByRole('button', { name: 'Delete', exact: true }).click();
      await ann.page.getByText('Copies may remain on other devices').waitFor();
      assert.deepEqual(await axeViolations(ann.page), []);
      await ann.page.getByRole('button', { name: 'Delete message' }).click();
      for (const page of [ben.page, ann.page]) {
        await messageLog(page).getByText('message deleted').waitFor({ timeout: 30_000 });
        assert.equal(await messageLog(page).getByText('hello world').count(), 0);
      }
      // Gone from each device's stored history too (the signed entries stay in the CRDT state).
      for (const page of [ben.page, ann.page]) {
        const deadline = Date.now() + 15_000;
        let texts = await storedTexts(page);
        while (texts.includes('helo wrld') && Date.now() < deadline) {
          await page.waitForTimeout(100);
          texts = await storedTexts(page);
        }
        assert.ok(!texts.includes('helo wrld'), `stored: ${JSON.stringify(texts)}`);
      }
      assert.deepEqual([...ann.errors, ...ben.errors], []);
    },
  );
});
