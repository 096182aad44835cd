// One person on two devices, and names that outlive their author's presence, end to end: the
// built app served by the real server, separate Chromium contexts (separate devices, separate
// storage) talking over real WebRTC inside the suite's private network namespace.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { appSuite } from '../testkit/e2e/appSuite';
import { axeViolations, enterName, say, type AppUser } from '../testkit/e2e/ui';

const suite = appSuite();
const person = (path: string): Promise<AppUser> => suite.person(path);

const messageLog = (page: Page) => page.getByRole('log');
const yourIdentity = (page: Page) => page.getByRole('dialog', { name: 'Your identity' });
const identityButton = (page: Page) =>
  page.getByRole('banner').getByRole('button', { name: 'Your identity' });

describe('identity across devices', () => {
  it(
    'exports the identity on one device, imports it on another: both post as one user',
    { timeout: 180_000 },
    async () => {
      const laptop = await person('/');
      await enterName(laptop.page, 'Ann');
      await laptop.page.getByRole('button', { name: 'Create room' }).click();
      await laptop.page.waitForURL(/\/r\/[A-Za-z0-9_-]{22}#k=/);
      const link = new URL(laptop.page.url());
      await say(laptop.page, 'from the laptop');

      // "Your identity" is a dialog reachable from the top bar; the key export asks for a passphrase.
      await identityButton(laptop.page).click();
      const dialog = yourIdentity(laptop.page);
      await dialog.getByText('Key tag:').waitFor();
      assert.deepEqual(await axeViolations(laptop.page), []);
      await dialog.getByLabel('Passphrase for the backup').fill('correct horse battery');
      const downloading = laptop.page.waitForEvent('download');
      await dialog.getByRole('button', { name: 'Export identity' }).click();
      const file = join(mkdtempSync(join(tmpdir(), 'meshchat-identity-')), 'identity.json');
      await (await downloading).saveAs(file);
      const backup = JSON.parse(readFileSync(file, 'utf8')) as { format: string };
      assert.equal(backup.format, 'meshchat-identity/1');
      await laptop.page.keyboard.press('Escape');

      // The phone, a separate browser with its own storage, starts as another user...
      const phone = await person('/');
      await enterName(phone.page, 'Ann');
      await identityButton(phone.page).click();
      const phoneDialog = yourIdentity(phone.page);
      await phoneDialog.getByLabel('Backup file').setInputFiles(file);
      await phoneDialog.getByLabel('Its passphrase').fill('correct horse battery');
      // ...and imports the identity: the app starts again as that user.
      const reloaded = phone.page.waitForEvent('load');
      await phoneDialog.getByRole('button', { name: 'Import identity' }).click();
      await reloaded;
      await phone.page.goto(suite.url() + link.pathname + link.hash);
      await messageLog(phone.page).getByText('from the laptop').waitFor({ timeout: 30_000 });
      await say(phone.page, 'from the phone');

      // On the laptop the phone's message is the user's own, and one user is online, not two.
      const own = laptop.page.locator('chat-message-log .row.own', { hasText: 'from the phone' });
      await own.waitFor({ timeout: 30_000 });
      await laptop.page.getByText(/Connected to 1 peer/).waitFor({ timeout: 30_000 });
      assert.equal(await laptop.page.getByText('1 online').count(), 1);
      // Both devices show the same key tag.
      const tagOf = async (page: Page) => {
        await identityButton(page).click();
        const text = await yourIdentity(page).getByText('Key tag:').innerText();
        await page.keyboard.press('Escape');
        return text;
      };
      assert.equal(await tagOf(phone.page), await tagOf(laptop.page));
    },
  );

  it(
    "a newcomer sees an offline author's signed name in history",
    { timeout: 120_000 },
    async () => {
      const { ann, ben: carl } = await suite.pair('Carl');
      const link = new URL(carl.page.url());
      await say(ann.page, 'written by Ann');
      await messageLog(carl.page).getByText('written by Ann').waitFor({ timeout: 30_000 });

      // Ann goes away. Carl reloads, so no presence card of Ann's is left anywhere.
      await ann.context.close();
      await carl.page.reload();
      await messageLog(carl.page).getByText('written by Ann').waitFor({ timeout: 30_000 });

      // Ben meets only Carl: Ann's name can reach him only through the room's log.
      const ben = await person(link.pathname + link.hash);
      await enterName(ben.page, 'Ben');
      await messageLog(ben.page).getByText('written by Ann').waitFor({ timeout: 30_000 });
      await messageLog(ben.page).getByText('Ann', { exact: true }).waitFor({ timeout: 30_000 });
      assert.equal(
        await messageLog(ben.page)
          .getByText(/^Unknown/)
          .count(),
        0,
      );
    },
  );
});
