// The rig of the end-to-end files that drive RoomSessions through the harness page: the
// harness served by the real server process and one Chromium, started before the file's tests
// and stopped after them on every path.
import { after, before } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser';
import { buildHarness } from './harnessBuild';
import { startServer, type ServerProcess } from './serverProcess';

export interface HarnessSuite {
  /** The harness page's URL (valid once the file's tests run). */
  readonly url: () => string;
  readonly browser: () => Browser;
}

/** Registers the suite's before and after hooks in the calling test file. */
export function harnessSuite(): HarnessSuite {
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;
  let removeHarness: (() => void) | undefined;

  before(async () => {
    const harness = await buildHarness();
    removeHarness = harness.remove;
    server = await startServer(harness.dir);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    removeHarness?.();
  });

  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the suite's ${what} is not started yet`);
    return value;
  };
  return {
    url: () => `${started(server, 'server').url}/index.html`,
    browser: () => started(browser, 'browser'),
  };
}
