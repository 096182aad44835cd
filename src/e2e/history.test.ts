// A room's history leaves the device as a file and comes back on another, through the real
// app: export, import into a fresh browser context, nothing imported twice.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { buildApp } from '../testkit/e2e/appBuild';
import { launchBrowser } from '../testkit/e2e/browser';
import { startServer, type ServerProcess } from '../testkit/e2e/serverProcess';
import { enterName, openApp, say, type AppUser } from '../testkit/e2e/ui';

let server: ServerProcess;
let browser: Browser;
let removeApp: () => void;
const users: AppUser[] = [];

before(async () => {
  const app = await buildApp();
  removeApp = app.remove;
  server = await startServer(app.dir);
  browser = await launchBrowser();
});

after(async () => {
  for (const user of users) await user.context.close().catch(() => undefined);
  await browser.close();
  await server.stop();
  removeApp();
});

describe('history on this device', () => {
  it(
    'exports a room as JSON lines and imports it on another device, once',
    { timeout: 90_000 },
    async () => {
      const ann = await openApp(browser, server.url);
      users.push(ann);
      await enterName(ann.page, 'Ann');
      await ann.page.getByRole('button', { name: 'Create room' }).click();
      const log = ann.page.getByRole('log');
      for (const text of ['first note', 'second note', 'third <i>note</i>']) {
        await say(ann.page, text);
        await log.getByText(text).waitFor();
      }
      const roomUrl = ann.page.url();
      const downloading = ann.page.waitForEvent('download');
      await ann.page.getByRole('button', { name: 'More room actions' }).click();
      await ann.page.getByRole('button', { name: 'Export history' }).click();
      const file = join(mkdtempSync(join(tmpdir(), 'meshchat-export-')), 'history.jsonl');
      await (await downloading).saveAs(file);
      const lines = readFileSync(file, 'utf8')
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
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
      const other = await openApp(browser, roomUrl);
      users.push(other);
      await enterName(other.page, 'Ann on her laptop');
      await other.page.locator('input[type=file]').setInputFiles(file);
      await other.page.getByRole('status').filter({ hasText: 'Imported' }).waitFor();
      const otherLog = other.page.getByRole('log');
      for (const text of ['first note', 'second note', 'third <i>note</i>']) {
        await otherLog.getByText(text, { exact: false }).waitFor();
      }
      // No signature came with the file: every imported line says its author is unverified.
      await otherLog.getByText('Imported, author not verified').nth(2).waitFor();
      assert.equal(await otherLog.getByText('Imported, author not verified').count(), 3);
      await other.page.getByRole('button', { name: 'OK' }).click();
      await other.page.locator('input[type=file]').setInputFiles(file);
      const again = await other.page
        .getByRole('status')
        .filter({ hasText: 'Imported' })
        .textContent();
      assert.match(again ?? '', /Imported 0 events; \d+ were here already/);
    },
  );

  it(
    'reloads with no network at all and still shows the room’s history',
    { timeout: 90_000 },
    async () => {
      const dana = await openApp(browser, server.url);
      users.push(dana);
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
