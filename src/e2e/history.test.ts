// A room's history leaves the device as a file and comes back on another, through the real
// app: export, import into a fresh browser context, nothing imported twice.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { appSuite } from '../testkit/e2e/appSuite';
import { enterName, say } from '../testkit/e2e/ui';

const suite = appSuite();

describe('history on this device', () => {
  it(
    'exports a room as JSON lines and imports it on another device, once',
    { timeout: 90_000 },
    async () => {
      const ann = await suite.person('/');
      await enterName(ann.page, 'Ann');
      await ann.page.getByRole('button', { name: 'Create room' }).click();
      const log = ann.page.getByRole('log');
      for (const text of ['first note', 'secnd note', 'third <i>note</i>']) {
        await say(ann.page, text);
        await log.getByText(text).waitFor();
      }
      // An edit reaches this device's stored history too, so the file carries the new text.
      await log.getByText('secnd note').hover();
      // Every own message has its actions, in the log's order: this is the second.
      await ann.page.getByRole('button', { name: 'Edit' }).nth(1).click();
      const box = ann.page.getByRole('textbox', { name: 'Edit message' });
      await box.fill('second note');
      await box.press('Enter');
      await log.getByText('edited', { exact: true }).waitFor();
      const roomUrl = ann.page.url();
      const downloading = ann.page.waitForEvent('download');
      await ann.page.getByRole('button', { name: 'More room actions' }).click();
      await ann.page.getByRole('button', { name: 'Export history' }).click();
      const file = join(mkdtempSync(join(tmpdir(), 'meshchat-export-')), 'history.jsonl');
      await (await downloading).saveAs(file);
      const [header, ...lines] = readFileSync(file, 'utf8')
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      // The first line names the room and the authors (Ann's user id is her messages' userId).
      const annId = lines.find((event) => event.type === 'message')?.userId as string;
      assert.deepEqual(header, {
        format: 'meshchat-history/1',
        roomId: new URL(ann.page.url()).pathname.split('/')[2],
        names: { [annId]: 'Ann' },
      });
      const messages = lines
        .filter((event) => event.type === 'message')
        .map((event) => event.message);
      assert.deepEqual(messages, ['first note', 'second note', 'third <i>note</i>']);
      for (const event of lines) {
        assert.deepEqual(
          Object.keys(event).filter(
            (key) =>
              !['id', 'chatroomId', 'type', 'userId', 'sessionId', 'message', 'unixTime'].includes(
                key,
              ),
          ),
          [],
        );
      }
      await ann.page.getByRole('status').filter({ hasText: 'Exported' }).waitFor();

      // Another device, alone in the room (Ann has left), reads the history only from the file.
      await ann.context.close();
      const other = await suite.person(new URL(roomUrl).pathname + new URL(roomUrl).hash);
      await enterName(other.page, 'Ann on her laptop');
      await other.page.getByLabel('History file to import').setInputFiles(file);
      await other.page.getByRole('status').filter({ hasText: 'Imported' }).waitFor();
      const otherLog = other.page.getByRole('log');
      for (const text of ['first note', 'second note', 'third <i>note</i>']) {
        await otherLog.getByText(text, { exact: false }).waitFor();
      }
      // No signature came with the file: every imported line says its author is unverified,
      // and the author's name, which came with the file too, says so as well.
      await otherLog.getByText('Imported, author not verified').nth(2).waitFor();
      assert.equal(await otherLog.getByText('Imported, author not verified').count(), 3);
      await otherLog.getByText('Ann (unverified)').first().waitFor();
      assert.equal(await otherLog.getByText(/^Unknown \(/).count(), 0);
      await other.page.getByRole('button', { name: 'OK' }).click();
      await other.page.getByLabel('History file to import').setInputFiles(file);
      const again = await other.page
        .getByRole('status')
        .filter({ hasText: 'Imported' })
        .textContent();
      assert.match(again ?? '', /Imported 0 events; \d+ were here already/);

      // Into another room, the file imports nothing and says which room it belongs to.
      await other.page.getByRole('button', { name: 'OK' }).click();
      await other.page
        .getByRole('button', { name: 'Rooms' })
        .click()
        .catch(() => undefined);
      await other.page.getByRole('button', { name: 'Create room' }).click();
      await other.page.waitForURL((url) => url.href !== roomUrl && url.hash.startsWith('#k='));
      await other.page.getByLabel('History file to import').setInputFiles(file);
      const refused = other.page.getByRole('status').filter({ hasText: 'Nothing imported' });
      await refused.waitFor();
      assert.match(
        (await refused.textContent()) ?? '',
        /this file is the history of your room “[^”]+”, not of this one\. Open that room/,
      );
      assert.doesNotMatch((await refused.textContent()) ?? '', /could not be read/);
      assert.deepEqual(other.errors, []);
    },
  );

  it(
    'reloads with no network at all and still shows the room’s history',
    { timeout: 90_000 },
    async () => {
      const dana = await suite.person('/');
      const { page, context } = dana;
      await enterName(page, 'Dana');
      await page.getByRole('button', { name: 'Create room' }).click();
      for (const text of ['kept on this device', 'and this one too']) {
        await say(page, text);
        await page.getByRole('log').getByText(text).waitFor();
      }
      // The service worker takes control from the next load on.
      await page.evaluate(async () => {
        await navigator.serviceWorker.ready;
      });
      await page.reload();
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
      await context.setOffline(true);
      await page.reload();
      await page.getByRole('status').filter({ hasText: 'You are offline' }).waitFor();
      for (const text of ['kept on this device', 'and this one too']) {
        await page.getByRole('log').getByText(text).waitFor();
      }
      await say(page, 'written offline');
      await page.getByRole('log').getByText('written offline').waitFor();
      await page.getByRole('log').getByText('Not delivered yet').first().waitFor();
      assert.deepEqual(dana.errors, []);
    },
  );
});
