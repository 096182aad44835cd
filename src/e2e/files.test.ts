// Sharing an image and a 25 MB file between two people over real WebRTC: the built app served
// by the real server, two separate Chromium contexts inside the suite's private network
// namespace. The bytes each side ends with are checked against what was shared.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { appSuite } from '../testkit/e2e/appSuite';
import type { AppUser } from '../testkit/e2e/ui';

const suite = appSuite({ lastScreens: 'files' });
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

const pair = (): Promise<{ ann: AppUser; ben: AppUser }> => suite.pair();

/** A PNG of `width` x `height` made by the page's own canvas. */
async function png(page: Page, width: number, height: number): Promise<Buffer> {
  const bytes = await page.evaluate(
    async ([w, h]) => {
      const canvas = new OffscreenCanvas(w, h);
      const context = canvas.getContext('2d');
      if (!context) throw new Error('no 2d context');
      const gradient = context.createLinearGradient(0, 0, w, h);
      gradient.addColorStop(0, '#136');
      gradient.addColorStop(1, '#fc3');
      context.fillStyle = gradient;
      context.fillRect(0, 0, w, h);
      const blob = await canvas.convertToBlob({ type: 'image/png' });
      return [...new Uint8Array(await blob.arrayBuffer())];
    },
    [width, height] as const,
  );
  return Buffer.from(bytes);
}

describe('files between two browsers', () => {
  it(
    'Ann shares an image and a 25 MB file; Ben sees the thumbnail, views the image and downloads the file, bytes intact',
    { timeout: 240_000 },
    async () => {
      const { ann, ben } = await pair();
      const image = await png(ann.page, 1200, 800);
      const big = randomBytes(25 * 1000 * 1000);
      // From files on disk: a 25 MB buffer would crawl through the browser's pipe.
      const dir = await mkdtemp(join(tmpdir(), 'meshchat-files-'));
      after(() => rm(dir, { recursive: true, force: true }));
      await writeFile(join(dir, 'sunset.png'), image);
      await writeFile(join(dir, 'big.bin'), big);
      const attach = ann.page.getByLabel('Attach file');
      await attach.setInputFiles(join(dir, 'sunset.png'));
      await attach.setInputFiles(join(dir, 'big.bin'));
      // Ann sees her own file at once, from her device.
      await ann.page.getByRole('button', { name: 'Download big.bin' }).waitFor({ timeout: 60_000 });

      // Ben: the image's thumbnail came with the message; the image itself from Ann.
      const open = ben.page.getByRole('button', { name: 'Open image sunset.png' });
      await open.waitFor({ timeout: 30_000 });
      assert.match(
        (await open.getByRole('img').getAttribute('src')) ?? '',
        /^data:image\/(webp|jpeg);base64,/,
      );
      await open.click();
      const viewer = ben.page.getByRole('dialog', { name: 'sunset.png' });
      const shown = viewer.getByRole('img', { name: 'sunset.png' });
      await shown.waitFor({ timeout: 60_000 });
      const viewed = await shown.evaluate(async (img: HTMLImageElement) => {
        const blob = await (await fetch(img.src)).blob();
        const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
        return {
          hash: [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join(''),
          width: img.naturalWidth,
        };
      });
      assert.deepEqual(viewed, { hash: sha256(image), width: 1200 });
      await ben.page.keyboard.press('Escape');
      await viewer.waitFor({ state: 'hidden' });

      // The 25 MB file: fetched in chunks with progress, saved as a download.
      const downloading = ben.page.waitForEvent('download', { timeout: 180_000 });
      const started = Date.now();
      await ben.page.getByRole('button', { name: 'Download big.bin' }).click();
      // Ben sees how far it has got, and Ann how much she has sent.
      await ben.page.getByRole('progressbar', { name: 'Fetching big.bin' }).waitFor();
      const download = await downloading;
      console.log(`25 MB fetched and saved in ${String(Date.now() - started)} ms`);
      assert.equal(download.suggestedFilename(), 'big.bin');
      const saved = await readFile(await download.path());
      assert.equal(saved.byteLength, big.byteLength);
      assert.equal(sha256(saved), sha256(big));

      await ann.page
        .locator('chat-file-card')
        .filter({ hasText: 'big.bin' })
        .getByText('Sent to a peer')
        .waitFor({ timeout: 10_000 });
      // Ben keeps what he fetched: the room's menu counts both files against its quota.
      await ben.page.getByRole('button', { name: /More/ }).click();
      await ben.page
        .getByText(/Files kept on this device: 26\.\d MB of 250\.0 MB/)
        .waitFor({ timeout: 10_000 });
      assert.deepEqual([...ann.errors, ...ben.errors], []);
    },
  );
});
