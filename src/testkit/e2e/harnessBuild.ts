import { build } from 'esbuild';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const here = import.meta.dirname;

/**
 * Bundles the end-to-end harness page into a fresh folder, or into `into` (beside a built app,
 * so both share an origin and its storage) under the page name `page`; returns the folder and
 * a cleanup.
 */
export async function buildHarness(
  into?: string,
  page = 'index.html',
): Promise<{ dir: string; remove: () => void }> {
  const dir = into ?? mkdtempSync(join(tmpdir(), 'meshchat-harness-'));
  await build({
    entryPoints: [join(here, '..', 'harness', 'harness.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    outfile: join(dir, 'harness.js'),
    logLevel: 'warning',
  });
  copyFileSync(join(here, '..', 'harness', 'index.html'), join(dir, page));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
