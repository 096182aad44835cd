// Links against stored rooms, end to end: the real build served by the real server, separate
// Chromium contexts over real WebRTC. A link never changes a joined room's password silently:
// for a group room the user is asked; for a private room it is refused, and a third person
// with a private room's URL can neither read nor join it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { appSuite } from '../testkit/e2e/appSuite';
import { enterName, say, screenshot, type AppUser } from '../testkit/e2e/ui';

const suite = appSuite({ lastScreens: 'links-last' });
const person = (path: string): Promise<AppUser> => suite.person(path);

const messageLog = (page: Page) => page.getByRole('log');
const question = (page: Page) => page.getByRole('alertdialog');

describe('links and stored rooms', () => {
  const bounded = { timeout: 120_000 };

  it('a link with another password for a joined room asks first', bounded, async () => {
    const ann = await person('/');
    await enterName(ann.page, 'Ann');
    await ann.page.getByRole('button', { name: 'Create room' }).click();
    await ann.page.waitForURL(/\/r\/[A-Za-z0-9_-]{22}#k=[A-Za-z0-9_-]{22}$/);
    const room = new URL(ann.page.url());
    const other = `${room.pathname}#k=someone-elses-password`;

    // Followed from elsewhere (a fresh load), the link changes nothing by itself.
    await ann.page.goto('about:blank');
    await ann.page.goto(suite.url() + other);
    await question(ann.page)
      .getByText(/another password/)
      .waitFor();
    await ann.page.getByRole('button', { name: 'Keep the current password' }).click();
    await question(ann.page).waitFor({ state: 'detached' });
    assert.equal(new URL(ann.page.url()).hash, room.hash);

    // Asked again (the link followed inside the open app this time), the user may agree.
    await ann.page.goto(suite.url() + other);
    await ann.page.getByRole('button', { name: "Use the link's password" }).click();
    await ann.page.waitForURL((url) => url.hash === '#k=someone-elses-password');
    assert.deepEqual(ann.errors, []);
  });

  it(
    "a room link whose password differs from the others' says so on both sides",
    bounded,
    async () => {
      const ann = await person('/');
      await enterName(ann.page, 'Ann');
      await ann.page.getByRole('button', { name: 'Create room' }).click();
      await ann.page.waitForURL(/#k=/);
      const room = new URL(ann.page.url());
      // Ben's link has the room right and the password wrong (a stale or mistyped link).
      const ben = await person(`${room.pathname}#k=${'b'.repeat(22)}`);
      await enterName(ben.page, 'Ben');
      for (const user of [ann, ben]) {
        await user.page
          .getByText(/Someone is in this room with a different password/)
          .waitFor({ timeout: 30_000 });
        await user.page.getByText('Password does not match').waitFor();
      }
      await screenshot(ben.page, 'links-password-mismatch');
      // y-webrtc alone threw an uncaught OperationError for every message of the other password.
      for (const user of [ann, ben]) assert.deepEqual(user.errors, []);
    },
  );

  it(
    'a DM link with another password is refused; a third person cannot open it',
    bounded,
    async () => {
      const ann = await person('/');
      await enterName(ann.page, 'Ann');
      await ann.page.getByRole('button', { name: 'Create room' }).click();
      await ann.page.waitForURL(/#k=/);
      const groupUrl = new URL(ann.page.url());
      const ben = await person(groupUrl.pathname + groupUrl.hash);
      await enterName(ben.page, 'Ben');
      await ann.page.getByText('2 online').waitFor({ timeout: 30_000 });
      await ann.page.getByRole('button', { name: /Message privately: Ben/ }).click();
      await ann.page.waitForURL(/\/r\/dm-[A-Za-z0-9_-]{22}$/);
      const dmPath = new URL(ann.page.url()).pathname;
      await ben.page.getByRole('button', { name: /^Accept/ }).click();
      await ben.page.waitForURL((url) => url.pathname === dmPath);
      await ann.page.getByText('Connected to 1 peer').waitFor({ timeout: 30_000 });

      // A link to the DM with a password of someone else's choosing: refused, nothing changes.
      await ann.page.goto('about:blank');
      await ann.page.goto(`${suite.url()}${dmPath}#k=attackers-password`);
      // No question, and the room still runs on its own password: Ben (who never saw the link)
      // still connects and reads what Ann says; with the link's password he could not.
      await ann.page.getByRole('heading', { name: /Ben/ }).waitFor();
      await ann.page.getByText(/cannot change a private room/).waitFor();
      assert.equal(await question(ann.page).count(), 0);
      assert.equal(new URL(ann.page.url()).hash, '');
      await ann.page.getByText('Connected to 1 peer').waitFor({ timeout: 30_000 });
      await say(ann.page, 'still just us');
      await messageLog(ben.page).getByText('still just us').waitFor({ timeout: 30_000 });

      // Cy has the DM's URL, even with that password: he can neither read nor join it.
      const cy = await person(`${dmPath}#k=attackers-password`);
      await enterName(cy.page, 'Cy');
      await cy.page.getByText(/cannot be joined by link/).waitFor();
      assert.equal(await messageLog(cy.page).count(), 0);
      for (const user of [ann, ben, cy]) assert.deepEqual(user.errors, []);
    },
  );
});
