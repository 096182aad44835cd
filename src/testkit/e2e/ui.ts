import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';

const root = join(import.meta.dirname, '..', '..', '..');
/** Where screenshots go: a test artifact, never committed. */
export const SCREENSHOT_DIR = join(root, 'test-results', 'screenshots');

export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 390, height: 844 } as const;

/** One person: their own browser context (own storage, own identity), one page. */
export interface AppUser {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly errors: string[];
}

/** Opens the app at `url` for a new person. */
export async function openApp(
  browser: Browser,
  url: string,
  options: {
    viewport?: { width: number; height: number };
    dark?: boolean;
    /** Device pixels per CSS pixel (2 for a 200% zoom). */
    scale?: number;
  } = {},
): Promise<AppUser> {
  const context = await browser.newContext({
    viewport: options.viewport ?? DESKTOP,
    colorScheme: options.dark ? 'dark' : 'light',
    deviceScaleFactor: options.scale ?? 1,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.stack ?? error.message));
  await page.goto(url);
  return { context, page, errors };
}

/** Fills in the name screen and waits for the app behind it. */
export async function enterName(page: Page, name: string): Promise<void> {
  const field = page.getByRole('textbox', { name: 'Your name' });
  await field.fill(name);
  await field.press('Enter');
  await field.waitFor({ state: 'detached' });
}

/** Sends a message with the keyboard, as a person would. */
export async function say(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
}

/** Saves a full-page screenshot as test-results/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, animations: 'disabled' });
  return path;
}

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** A violation axe-core found, shortened for an assertion message. */
export interface AxeFinding {
  readonly id: string;
  readonly impact: string | null;
  readonly targets: string[];
}

/** Runs axe-core (WCAG 2.x A and AA rules) on the page; resolves to its violations. */
export async function axeViolations(page: Page): Promise<AxeFinding[]> {
  await page.addScriptTag({ path: axePath });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: AxeApi }).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      targets: v.nodes.map((n) => JSON.stringify(n.target)),
    }));
  });
}

interface AxeApi {
  run(
    context: Document,
    options: unknown,
  ): Promise<{
    violations: { id: string; impact: string | null; nodes: { target: unknown }[] }[];
  }>;
}
