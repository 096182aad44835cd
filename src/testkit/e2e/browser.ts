import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { chromeArgs, chromePath } from '../../testing/chrome.mjs';

/** Launches the machine's Chromium, headless, with the flags these machines need. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromePath(),
    args: chromeArgs,
    headless: true,
  });
}

/** A peer: its own browser context (own storage, so tabs never talk over BroadcastChannel). */
export interface Peer {
  readonly context: BrowserContext;
  readonly page: Page;
}

/** Opens `url` in a fresh context. */
export async function newPeer(browser: Browser, url: string): Promise<Peer> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  await page.goto(url);
  return { context, page };
}
