// The app as people use it, end to end: the real build served by the real server, separate
// Chromium contexts (separate people) talking over real WebRTC inside the suite's private
// network namespace. Saves screenshots (1280x800 and 390x844) to test-results/screenshots/.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { appSuite } from '../testkit/e2e/appSuite';
import {
  axeViolations,
  DESKTOP,
  enterName,
  PHONE,
  say,
  screenshot,
  type AppUser,
} from '../testkit/e2e/ui';

const suite = appSuite({ lastScreens: 'last' });
const person = (path: string, options: Parameters<typeof suite.person>[1] = {}): Promise<AppUser> =>
  suite.person(path, options);

const messageLog = (page: Page) => page.getByRole('log');
const participants = (page: Page) => page.getByRole('list', { name: 'Participants' });

describe('the chat app', () => {
  const bounded = { timeout: 120_000 };

  it('two people chat, DM each other, reload, and read offline', bounded, async () => {
    // Ann, on a desktop, names herself (an empty name is refused inline) and creates a room.
    const ann = await person('/');
    const nameField = ann.page.getByRole('textbox', { name: 'Your name' });
    await nameField.press('Enter');
    await ann.page.getByText('Please enter your name').waitFor();
    await screenshot(ann.page, 'desktop-name-screen-error');
    await enterName(ann.page, 'Ann');
    await ann.page.getByRole('button', { name: 'Create room' }).click();
    await ann.page.waitForURL(/\/r\/[A-Za-z0-9_-]{22}#k=[A-Za-z0-9_-]{22}$/);
    const roomUrl = ann.page.url();

    // The page's URL is the room's link, as the share dialog shows it.
    await ann.page.getByRole('button', { name: 'Share room link' }).click();
    const dialog = ann.page.getByRole('dialog', { name: 'Share room link' });
    const shared = await dialog.getByRole('textbox', { name: 'Room link' }).inputValue();
    assert.equal(shared, roomUrl);
    await ann.page.getByRole('img', { name: 'QR code of the room link' }).waitFor();
    await screenshot(ann.page, 'desktop-share-dialog');
    await ann.page.keyboard.press('Escape');

    // Ben, on a phone, follows the link: asked for a name, then straight into the room.
    const ben = await person(new URL(roomUrl).pathname + new URL(roomUrl).hash, {
      viewport: PHONE,
    });
    await screenshot(ben.page, 'phone-name-screen');
    await enterName(ben.page, 'Ben');
    for (const page of [ann.page, ben.page]) {
      await page.getByText('2 online').waitFor({ timeout: 30_000 });
      await participants(page).getByText('Ann', { exact: true }).waitFor();
      await participants(page).getByText('Ben', { exact: true }).waitFor();
    }
    await ann.page.getByText(/Connected to 1 peer/).waitFor({ timeout: 30_000 });

    // Text is text: markup arrives escaped, links are made safe.
    await say(ann.page, 'Hello <b>Ben</b>, see https://example.com/page.');
    const line = messageLog(ben.page).getByText('Hello <b>Ben</b>, see');
    await line.waitFor({ timeout: 30_000 });
    assert.equal(await messageLog(ben.page).locator('b').count(), 0);
    const link = messageLog(ben.page).getByRole('link', { name: 'https://example.com/page' });
    assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');
    assert.equal(await link.getAttribute('href'), 'https://example.com/page');
    await messageLog(ben.page).getByText('Ann', { exact: true }).waitFor();

    // Composer: whitespace is ignored, Shift+Enter is a new line, the box clears on send.
    const box = ben.page.getByRole('textbox', { name: 'Message' });
    await box.fill('   ');
    await box.press('Enter');
    await box.fill('first line');
    await box.press('Shift+Enter');
    await box.pressSequentially('second line');
    assert.equal(await box.inputValue(), 'first line\nsecond line');
    // Ann sees Ben typing before he sends.
    await ann.page.getByText('Ben is typing…').waitFor({ timeout: 15_000 });
    await box.press('Enter');
    assert.equal(await box.inputValue(), '');
    await messageLog(ann.page)
      .getByText(/first line\s+second line/)
      .waitFor({ timeout: 15_000 });
    const annMessages = await messageLog(ann.page).locator('[data-id]').count();
    assert.equal(annMessages, 2, 'the whitespace-only message was not sent');

    await screenshot(ann.page, 'desktop-room');
    await screenshot(ben.page, 'phone-room');
    await ann.page.setViewportSize(PHONE);
    await ben.page.setViewportSize(DESKTOP);
    await screenshot(ann.page, 'phone-room-ann');
    await screenshot(ben.page, 'desktop-room-ben');
    await ann.page.setViewportSize(DESKTOP);
    await ben.page.setViewportSize(PHONE);

    // Nothing an automated accessibility check can find, in both layouts.
    assert.deepEqual(await axeViolations(ann.page), []);
    assert.deepEqual(await axeViolations(ben.page), []);

    // Ann messages Ben privately: a room of their own, derived from their key agreement; its
    // password never shows in the address bar.
    await participants(ann.page)
      .getByRole('button', { name: /Message privately: Ben/ })
      .click();
    await ann.page.waitForURL(/\/r\/dm-[A-Za-z0-9_-]{22}$/);
    const dmUrl = new URL(ann.page.url());
    await ann.page.getByRole('heading', { name: /Ben/ }).waitFor();

    // Ben is told about it without a link: an invitation that opens nothing until he
    // accepts; then the room is in his rooms, with an unread count, and (the page hidden,
    // notifications allowed) as a browser notification.
    await ben.page.getByRole('button', { name: 'Rooms' }).click();
    await ben.page.getByText('Ann wants to message you privately').waitFor({ timeout: 30_000 });
    await ben.page.getByRole('button', { name: /^Accept/ }).click();
    await messageLog(ben.page).waitFor();
    await ben.context.grantPermissions(['notifications'], { origin: suite.url() });
    // A string, not a function: tsx would wrap the class in a helper the page lacks.
    await ben.page.evaluate(HIDE_PAGE_AND_RECORD_NOTIFICATIONS);
    await ben.page.getByRole('button', { name: 'Rooms' }).click();
    const dmLink = ben.page.getByRole('navigation', { name: 'Rooms' }).getByRole('link', {
      name: /Ann.*Private/,
    });
    await dmLink.waitFor({ timeout: 30_000 });
    await ann.page.getByText('Connected to 1 peer').waitFor({ timeout: 30_000 });
    await say(ann.page, 'just between us');
    await dmLink.getByText('1 unread').waitFor({ timeout: 30_000 });
    await ben.page.waitForFunction(
      () =>
        (window as unknown as { notes: string[][] }).notes.some((n) => n[1] === 'just between us'),
      null,
      { timeout: 15_000 },
    );
    await screenshot(ben.page, 'phone-room-list-unread');
    await ben.page.evaluate(
      "Object.defineProperty(document, 'hidden', { configurable: true, value: false })",
    );
    await dmLink.click();
    assert.equal(new URL(ben.page.url()).pathname, dmUrl.pathname);
    await messageLog(ben.page).getByText('just between us').waitFor();
    await screenshot(ann.page, 'desktop-direct-message');
    await screenshot(ben.page, 'phone-direct-message');

    // Cy, in the group room too, gets no DM and cannot open it even with its URL.
    const cy = await person(new URL(roomUrl).pathname + new URL(roomUrl).hash);
    await enterName(cy.page, 'Cy');
    await participants(cy.page).getByText('Ann', { exact: true }).waitFor({ timeout: 30_000 });
    await cy.page.goto(suite.url() + dmUrl.pathname);
    await cy.page.getByText(/cannot be joined by link/).waitFor();
    await say(ann.page, 'still private');
    await messageLog(ben.page).getByText('still private').waitFor({ timeout: 30_000 });
    assert.equal(await messageLog(cy.page).count(), 0);
    await cy.context.close();

    // Ben reloads: his name, his rooms and (from Ann, online) the DM history come back.
    await ben.page.reload();
    await messageLog(ben.page).getByText('just between us').waitFor({ timeout: 30_000 });
    assert.equal(await ben.page.getByRole('textbox', { name: 'Your name' }).count(), 0);

    // Offline, Ben still reads the room and is told he is offline.
    await ben.context.setOffline(true);
    await ben.page.getByText('You are offline').waitFor();
    await messageLog(ben.page).getByText('still private').waitFor();
    await screenshot(ben.page, 'phone-offline');
    await ben.context.setOffline(false);
    await ben.page.getByText('You are offline').waitFor({ state: 'detached' });

    for (const user of [ann, ben]) assert.deepEqual(user.errors, []);
  });

  it('marks a message undelivered until a peer has it', bounded, async () => {
    const dee = await person('/', { viewport: PHONE, dark: true });
    await enterName(dee.page, 'Dee');
    await dee.page.getByRole('button', { name: 'Create room' }).click();
    await dee.page.waitForURL(/\/r\//);
    await say(dee.page, 'anyone here?');
    const pending = messageLog(dee.page).getByText('Not delivered yet');
    await pending.waitFor();
    await screenshot(dee.page, 'phone-dark-undelivered');
    const eve = await person(new URL(dee.page.url()).pathname + new URL(dee.page.url()).hash, {
      dark: true,
    });
    await enterName(eve.page, 'Eve');
    await messageLog(eve.page).getByText('anyone here?').waitFor({ timeout: 30_000 });
    await pending.waitFor({ state: 'detached', timeout: 30_000 });
    await screenshot(eve.page, 'desktop-dark-room');
    // The narrowest phones: nothing wider than the screen.
    await dee.page.setViewportSize({ width: 360, height: 740 });
    await screenshot(dee.page, 'phone-360-dark-room');
    const overflow = await dee.page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    assert.equal(overflow, 0);
    assert.deepEqual(await axeViolations(dee.page), []);
    assert.deepEqual(await axeViolations(eve.page), []);
  });

  it('works by keyboard alone', bounded, async () => {
    const kim = await person('/');
    // The name field has the focus; Enter submits it.
    await kim.page.waitForFunction(() => {
      const form = document.querySelector('chat-app')?.shadowRoot?.querySelector('chat-name-form');
      return form?.shadowRoot?.activeElement?.id === 'name';
    });
    await kim.page.keyboard.type('Kim');
    await kim.page.keyboard.press('Enter');
    await tabTo(kim.page, 'Create room');
    await kim.page.keyboard.press('Enter');
    await kim.page.waitForURL(/\/r\//);
    await tabTo(kim.page, 'Message');
    await kim.page.keyboard.type('typed without a mouse');
    await kim.page.keyboard.press('Enter');
    await messageLog(kim.page).getByText('typed without a mouse').waitFor();
    await tabTo(kim.page, 'Share room link', true);
    await kim.page.keyboard.press('Enter');
    const dialog = kim.page.getByRole('dialog', { name: 'Share room link' });
    await dialog.waitFor();
    await kim.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await focusedName(kim.page), 'Share room link');
  });
});

/** Records every Notification the page makes in `window.notes`, and reports it hidden. */
const HIDE_PAGE_AND_RECORD_NOTIFICATIONS = `
  window.notes = [];
  const Real = window.Notification;
  window.Notification = class extends Real {
    constructor(title, options) {
      super(title, options);
      window.notes.push([title, (options && options.body) || '']);
    }
  };
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
  document.dispatchEvent(new Event('visibilitychange'));
`;

/** The accessible-ish name of the focused element, looking into shadow roots. */
function focusedName(page: Page): Promise<string> {
  return page.evaluate(() => {
    let element: Element | null = document.activeElement;
    while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
    if (!element) return '';
    return (element.getAttribute('aria-label') ?? element.textContent).trim();
  });
}

/** Presses Tab (or Shift+Tab) until the element named `name` has the focus. */
async function tabTo(page: Page, name: string, backwards = false): Promise<void> {
  for (let i = 0; i < 40; i += 1) {
    if ((await focusedName(page)) === name) return;
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`could not reach "${name}" with the keyboard`);
}
