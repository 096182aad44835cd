import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { chromeArgs, chromePath } from '../testing/chrome.mjs';
import { startServer } from '../testkit/e2e/serverProcess';

const root = join(import.meta.dirname, '..', '..');

/** Where generated rooms are kept between runs (git-ignored). */
export const COLD_OPEN_CACHE = join(root, '.cache', 'bench', 'coldopen');

/**
 * IndexedDB belongs to an origin, port included: a cached profile is only read back from the
 * port it was written from. The bench runs in its own network namespace, so the port is free.
 */
export const COLD_OPEN_PORT = 47_310;

/** How a room's history is stored: sealed as the app does today, or as one document. */
export type StoredShape = 'sealed' | 'single';

export interface StoredRoom {
  readonly roomId: string;
  readonly messages: number;
  readonly shape: StoredShape;
  /** The text of the newest message. */
  readonly newest: string;
  /** A Chromium profile holding the room (copy it before use: opening it writes into it). */
  readonly profile: string;
}

/** The live document's bound and the segment size of a sealed room, as in src/main.ts. */
const LIVE_LIMIT = 10_000;
const SEGMENT_SIZE = 10_000;
/** Messages sent at once while generating: bounded memory, sealed between chunks. */
const CHUNK = 20_000;

/** Raised when the generation below changes what it stores. */
const GENERATION = 1;

/**
 * The code that defines the stored form of a room (database, document schema, entries, batches,
 * segments and seals): a change there generates the rooms again. Other changes keep them, so
 * that the app's code can change between runs without an hour of generation.
 */
const FORMAT_FILES = [
  'src/storage/ChatDatabase.ts',
  'src/storage/EventStore.ts',
  'src/storage/IdbEventStore.ts',
  'src/storage/IdbSegmentStore.ts',
  'src/storage/IdbUpdateStore.ts',
  'src/storage/PersistentListener.ts',
  'src/log/schema.ts',
  'src/log/EntryPages.ts',
  'src/log/batches.ts',
  'src/log/Segment.ts',
  'src/log/SegmentOpen.ts',
  'src/log/sealRecord.ts',
];

function codeKey(): string {
  const hash = createHash('sha256').update(String(GENERATION));
  for (const file of FORMAT_FILES) hash.update(file).update(readFileSync(join(root, file)));
  return hash.digest('hex').slice(0, 12);
}

/** Launches Chromium on a profile directory (headless, the machine's flags). */
export function launchProfile(dir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(dir, {
    executablePath: chromePath(),
    args: chromeArgs,
    headless: true,
  });
}

const since = (start: number): string => `${((performance.now() - start) / 1000).toFixed(0)} s`;

/**
 * A Chromium profile whose IndexedDB holds a room of `messages` messages from one writer,
 * written through the real RoomSession (harness page, same origin as the app): generated once
 * under COLD_OPEN_CACHE, then reused while the code that stores it is unchanged.
 * `appDir` is a built app with the harness page beside it (harness.html).
 */
export async function storedRoom(
  appDir: string,
  messages: number,
  shape: StoredShape,
): Promise<StoredRoom> {
  const roomId = `cold-open-${shape}-${messages}`;
  const room = { roomId, messages, shape, newest: `cold ${messages - 1}` };
  const profile = join(COLD_OPEN_CACHE, `${codeKey()}-${roomId}`);
  if (existsSync(join(profile, 'complete'))) return { ...room, profile };
  mkdirSync(COLD_OPEN_CACHE, { recursive: true });
  // This room as stored by code that changed since, or a generation that was cut short.
  for (const name of readdirSync(COLD_OPEN_CACHE)) {
    if (name.endsWith(`-${roomId}`) || name.endsWith(`-${roomId}.partial`)) {
      rmSync(join(COLD_OPEN_CACHE, name), { recursive: true, force: true });
    }
  }
  const partial = `${profile}.partial`;
  const started = performance.now();
  console.log(`cold open: generating ${roomId} into ${profile} (once; cached)`);
  const server = await startServer(appDir, { PORT: String(COLD_OPEN_PORT) });
  const context = await launchProfile(partial);
  try {
    const page = await context.newPage();
    await page.goto(`${server.url}/harness.html`);
    await page.evaluate(
      ({ id, sealed, above, size }) =>
        window.harness.open({
          roomId: id,
          name: 'Writer',
          storage: true,
          ...(sealed ? { seal: { above, size, settleMs: 0 } } : {}),
        }),
      { id: roomId, sealed: shape === 'sealed', above: LIVE_LIMIT, size: SEGMENT_SIZE },
    );
    // One writer's clock runs at least 1 ms per message (HybridClock): sent faster, its
    // entries would stand in the future, where sealing leaves them (not settled) and a reader
    // holds them back. Each chunk waits until the wall clock has passed its newest entry.
    let clockBound = 0;
    for (let sent = 0; sent < messages;) {
      const count = Math.min(CHUNK, messages - sent);
      const now = await page.evaluate(
        ({ from, n }) => {
          const at = Date.now();
          for (let i = from; i < from + n; i += 1) window.harness.send(`cold ${i}`);
          return at;
        },
        { from: sent, n: count },
      );
      clockBound = Math.max(clockBound, now) + count;
      sent += count;
      await page.waitForFunction((n) => window.harness.saved().length >= n, sent, {
        timeout: 600_000,
        polling: 500,
      });
      await page.waitForFunction((at) => Date.now() > at, clockBound + 1000, {
        timeout: 600_000,
        polling: 250,
      });
      // Sealed at once rather than a few seconds later, keeping the document as the app keeps it.
      const segments = shape === 'sealed' ? await page.evaluate(() => window.harness.sealNow()) : 0;
      const { live } = await page.evaluate(() => window.harness.sealed());
      console.log(
        `cold open: ${roomId}: ${sent} written, ${segments} segments sealed, ${live} live, ${since(started)}`,
      );
    }
    if (shape === 'sealed') await sealToLimit(page);
    await page.waitForFunction(async (n) => (await window.harness.stored()) >= n, messages, {
      timeout: 600_000,
      polling: 1000,
    });
    await page.evaluate(() => window.harness.shutdown());
    await page.close();
  } finally {
    await context.close();
    await server.stop();
  }
  writeFileSync(join(partial, 'complete'), `${roomId}\n`);
  renameSync(partial, profile);
  console.log(`cold open: ${roomId} generated in ${since(started)}`);
  return { ...room, profile };
}

/** Seals a harness page's room until its document holds no more than the app keeps live. */
export async function sealToLimit(page: Page): Promise<void> {
  for (let tries = 0; (await page.evaluate(() => window.harness.sealed().live)) > LIVE_LIMIT;) {
    if ((await page.evaluate(() => window.harness.sealNow())) > 0) continue;
    if (++tries > 30) throw new Error('cold open: the room could not be sealed to its limit');
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** A copy of a stored room's profile to open (and write into), with its removal. */
export function copyProfile(room: StoredRoom): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'meshchat-coldopen-'));
  cpSync(room.profile, dir, { recursive: true });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
