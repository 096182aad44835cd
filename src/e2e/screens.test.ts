// Every screen at every size a newcomer uses: desktop (1280x800), phone portrait (390x844) and
// landscape (844x390), and a 1280x800 desktop at 200% zoom (640x400 CSS pixels at device scale
// 2), each in light and dark. At each: the message box and Send are on screen and not covered,
// the newest message is in view, nothing is wider than the window, and axe finds nothing
// (best practices included, so a screen without a main landmark fails). Screenshots go to
// test-results/screenshots/screens-*.png. Also: an over-long message stays in the box with an
// error, the keyboard focus lands in the message box, and a shrinking window keeps the newest
// message in view.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { appSuite } from '../testkit/e2e/appSuite';
import { enterName, say, screenshot } from '../testkit/e2e/ui';

const suite = appSuite();

const SIZES = [
  { name: 'desktop', width: 1280, height: 800, scale: 1 },
  { name: 'phone', width: 390, height: 844, scale: 1 },
  { name: 'landscape', width: 844, height: 390, scale: 1 },
  { name: 'zoom200', width: 640, height: 400, scale: 2 },
] as const;

interface Person {
  readonly page: Page;
  readonly errors: string[];
}

/** A newcomer at `path` (of the app's server or a full link), at one of the sizes. */
function person(path: string, size: (typeof SIZES)[number] = SIZES[0]): Promise<Person> {
  const url = new URL(path, 'http://app.invalid');
  return suite.person(url.pathname + url.search + url.hash, {
    viewport: { width: size.width, height: size.height },
    scale: size.scale,
  });
}

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** axe-core's WCAG 2.x A/AA rules and its best practices; the ids of what it finds. */
async function axe(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axePath });
  return page.evaluate(async () => {
    const run = (window as unknown as { axe: { run: AxeRun } }).axe.run;
    const result = await run(document, {
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
      },
    });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`);
  });
}
type AxeRun = (
  context: Document,
  options: unknown,
) => Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }>;

/**
 * What the screen shows of the room: whether Send is the element at its own centre (on
 * screen, not covered), whether the newest message is inside the log's visible box, and how
 * much wider than the window the page is.
 */
interface RoomLayout {
  readonly send: boolean;
  readonly newest: boolean;
  readonly overflow: number;
}

function roomLayout(page: Page): Promise<RoomLayout> {
  return page.evaluate<RoomLayout>(ROOM_LAYOUT);
}

// A string, not a function: tsx would wrap the inner functions in a helper the page lacks.
const ROOM_LAYOUT = `(() => {
  const deep = (root, selector) => {
    const found = root.querySelector(selector);
    if (found) return found;
    for (const el of root.querySelectorAll('*')) {
      const inner = el.shadowRoot && deep(el.shadowRoot, selector);
      if (inner) return inner;
    }
    return null;
  };
  const hit = (x, y) => {
    let el = document.elementFromPoint(x, y);
    while (el && el.shadowRoot) {
      const inner = el.shadowRoot.elementFromPoint(x, y);
      if (!inner || inner === el) break;
      el = inner;
    }
    return el;
  };
  const composer = deep(document, 'chat-composer');
  const send = composer && composer.shadowRoot.querySelector('button');
  const r = send && send.getBoundingClientRect();
  const top = r && hit(r.left + r.width / 2, r.top + r.height / 2);
  const sendOk = !!r && r.bottom <= window.innerHeight + 0.5 && !!top && top.closest('button') === send;
  const log = deep(document, '[role="log"]');
  const rows = log ? [...log.querySelectorAll('[data-id]')] : [];
  const bottoms = rows.map((row) => row.getBoundingClientRect().bottom);
  const lowest = bottoms.length ? Math.max(...bottoms) : undefined;
  const box = log && log.getBoundingClientRect();
  const newest = !!box && lowest !== undefined && lowest <= box.bottom + 1 && lowest > box.top;
  return {
    send: sendOk,
    newest,
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  };
})()`;

/** Waits until the room's layout has settled with Send usable and the newest message shown. */
async function roomIsUsable(page: Page, what: string): Promise<void> {
  try {
    await page.waitForFunction(() => document.fonts.status === 'loaded', null, { timeout: 5000 });
    for (let i = 0; i < 50; i += 1) {
      const layout = await roomLayout(page);
      if (layout.send && layout.newest && layout.overflow === 0) return;
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
    }
    assert.deepEqual(await roomLayout(page), { send: true, newest: true, overflow: 0 }, what);
  } catch (error) {
    await screenshot(page, `screens-failed-${what.replace(/\W+/g, '-')}`);
    throw error;
  }
}

/** Waits until the focused element (looking into shadow roots) is the one named `name`. */
async function focusIs(page: Page, name: string): Promise<void> {
  await page.waitForFunction((wanted) => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return (el?.getAttribute('aria-label') ?? el?.textContent ?? '').trim() === wanted;
  }, name);
}

describe('every screen at every size', () => {
  it(
    'is usable and accessible in light and dark, at four sizes',
    { timeout: 240_000 },
    async () => {
      const ann = await person('/');
      await enterName(ann.page, 'Ann');
      // After the name, the focus waits on "Create room"; after it, in the message box.
      await focusIs(ann.page, 'Create room');
      await ann.page.keyboard.press('Enter');
      await ann.page.waitForURL(/\/r\//);
      await focusIs(ann.page, 'Message');
      const link = ann.page.url();
      const log = ann.page.getByRole('log');
      for (let i = 1; i <= 14; i += 1) {
        await say(ann.page, `Message number ${i}, see www.example.com/${i}`);
      }
      await log.getByText('Message number 14').waitFor();
      assert.equal(
        await log.getByRole('link', { name: 'www.example.com/14' }).getAttribute('href'),
        'https://www.example.com/14',
      );

      // An over-long message stays in the box, with a clear error, and nothing is thrown.
      const box = ann.page.getByRole('textbox', { name: 'Message' });
      await box.fill('y'.repeat(20_000));
      await ann.page.getByText('characters over the limit').waitFor();
      await box.press('Enter');
      await ann.page.getByRole('alert').filter({ hasText: 'Not sent' }).waitFor();
      assert.equal((await box.inputValue()).length, 20_000);
      await screenshot(ann.page, 'screens-desktop-light-too-long');
      await box.fill('');

      // Ben and Cy join from the link: Ben on a phone, Cy on a desktop zoomed to 200%.
      const ben = await person(link, SIZES[1]);
      await enterName(ben.page, 'Ben');
      const cy = await person(link, SIZES[3]);
      await enterName(cy.page, 'Cy');
      for (const page of [ann.page, ben.page, cy.page]) {
        await page.getByText('3 online').waitFor({ timeout: 30_000 });
      }
      await say(ben.page, 'Hello from the phone');
      for (const page of [ann.page, ben.page, cy.page]) {
        await page.getByRole('log').getByText('Hello from the phone').waitFor({ timeout: 30_000 });
      }
      // Cy, last in, is not told that the people already there "joined", nor about himself.
      // (Whether Ann sees "joined" depends on whether they came within her room's first 15 s,
      // which is quiet by design: the unit tests of the transcript check both sides of that.)
      assert.equal(
        await cy.page
          .getByRole('log')
          .getByText(/joined/)
          .count(),
        0,
      );

      const shots: [Person, (typeof SIZES)[number]][] = [
        [ann, SIZES[0]],
        [ben, SIZES[1]],
        [ben, SIZES[2]],
        [cy, SIZES[3]],
      ];
      for (const [who, size] of shots) {
        await who.page.setViewportSize({ width: size.width, height: size.height });
        for (const scheme of ['light', 'dark'] as const) {
          await who.page.emulateMedia({ colorScheme: scheme });
          const what = `${size.name}-${scheme}`;
          await roomIsUsable(who.page, `${what} room`);
          await screenshot(who.page, `screens-${what}-room`);
          assert.deepEqual(await axe(who.page), [], `${what} room`);
          // The menu of rarely used actions, open.
          await who.page.getByRole('button', { name: 'More room actions' }).click();
          await who.page.getByRole('button', { name: 'Export history' }).waitFor();
          await screenshot(who.page, `screens-${what}-menu`);
          assert.deepEqual(await axe(who.page), [], `${what} menu`);
          await who.page.keyboard.press('Escape');
          if (size.width <= 720) {
            // One pane at a time: the room list, with its own main landmark.
            await who.page.getByRole('button', { name: /^Rooms/ }).click();
            await who.page.getByRole('button', { name: 'Create room' }).waitFor();
            await screenshot(who.page, `screens-${what}-room-list`);
            assert.deepEqual(await axe(who.page), [], `${what} room list`);
            await who.page.getByRole('navigation', { name: 'Rooms' }).getByRole('link').click();
            await roomIsUsable(who.page, `${what} room again`);
          }
        }
      }

      // A window that shrinks (an on-screen keyboard opening) keeps the newest message in view.
      await ben.page.emulateMedia({ colorScheme: 'light' });
      await ben.page.setViewportSize({ width: 390, height: 844 });
      await roomIsUsable(ben.page, 'phone before the keyboard');
      await ben.page.setViewportSize({ width: 390, height: 480 });
      await roomIsUsable(ben.page, 'phone with the keyboard');
      await screenshot(ben.page, 'screens-phone-keyboard');

      for (const who of [ann, ben, cy]) assert.deepEqual(who.errors, []);
    },
  );
});
