// The rig most end-to-end files share: the built app served by the real server process and
// one Chromium, started before the file's tests and stopped after them on every path; each
// person is a context of their own (own storage, own identity), closed at the end.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { Browser } from 'playwright-core';
import { buildApp } from './appBuild';
import { launchBrowser } from './browser';
import { startServer, type ServerProcess } from './serverProcess';
import { enterName, openApp, screenshot, type AppUser } from './ui';

export interface AppSuite {
  /** The server's base URL (valid once the file's tests run). */
  readonly url: () => string;
  readonly browser: () => Browser;
  /** Opens the app at `path` for a new person. */
  person(path: string, options?: Parameters<typeof openApp>[2]): Promise<AppUser>;
  /**
   * Ann creates a room, a second person (`name`, default Ben) opens its link; both named,
   * and connected to each other.
   */
  pair(name?: string): Promise<{ ann: AppUser; ben: AppUser }>;
}

/**
 * Registers the suite's before and after hooks in the calling test file. With
 * `lastScreens`, each person's last screen is saved as `<lastScreens>-<n>.png` before they
 * are closed: what to look at when a test has failed.
 */
export function appSuite(options: { lastScreens?: string } = {}): AppSuite {
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;
  let removeApp: (() => void) | undefined;
  const users: AppUser[] = [];

  before(async () => {
    const app = await buildApp();
    removeApp = app.remove;
    server = await startServer(app.dir);
    browser = await launchBrowser();
  });

  after(async () => {
    let n = 0;
    for (const user of users.splice(0)) {
      if (options.lastScreens && !user.page.isClosed()) {
        await screenshot(user.page, `${options.lastScreens}-${String((n += 1))}`).catch(() => '');
      }
      await user.context.close().catch(() => undefined);
    }
    await browser?.close();
    if (server) assert.equal(await server.stop(), 0);
    removeApp?.();
  });

  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the suite's ${what} is not started yet`);
    return value;
  };

  const person = async (
    path: string,
    openOptions?: Parameters<typeof openApp>[2],
  ): Promise<AppUser> => {
    const user = await openApp(
      started(browser, 'browser'),
      started(server, 'server').url + path,
      openOptions,
    );
    users.push(user);
    return user;
  };

  return {
    url: () => started(server, 'server').url,
    browser: () => started(browser, 'browser'),
    person,
    async pair(name = 'Ben') {
      const ann = await person('/');
      await enterName(ann.page, 'Ann');
      await ann.page.getByRole('button', { name: 'Create room' }).click();
      await ann.page.waitForURL(/\/r\/[A-Za-z0-9_-]{22}#k=/);
      const link = new URL(ann.page.url());
      const ben = await person(link.pathname + link.hash);
      await enterName(ben.page, name);
      await ann.page.getByText(/Connected to 1 peer/).waitFor({ timeout: 30_000 });
      return { ann, ben };
    },
  };
}
