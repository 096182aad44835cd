import { build, type Plugin } from 'esbuild';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const here = import.meta.dirname;

/** A worker started the way Vite bundles it: `new Worker(new URL('./name.ts', import.meta.url))`. */
const WORKER_URL = /new URL\('\.\/(\w+)\.ts', import\.meta\.url\)/g;

/**
 * Bundles each worker the page's code starts (WORKER_URL) beside the page as `name.js`, and
 * points the page's code at it, as Vite does for the app.
 */
function workers(outDir: string): Plugin {
  return {
    name: 'workers',
    setup(bundler) {
      const entries = new Set<string>();
      bundler.onLoad({ filter: /\.ts$/ }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return undefined;
        const contents = source.replace(WORKER_URL, (_, name: string) => {
          entries.add(join(dirname(args.path), `${name}.ts`));
          return `new URL('./${name}.js', import.meta.url)`;
        });
        return { contents, loader: 'ts' };
      });
      bundler.onEnd(async () => {
        for (const entry of entries) {
          await build({
            entryPoints: [entry],
            bundle: true,
            format: 'esm',
            target: 'es2022',
            outdir: outDir,
            logLevel: 'warning',
          });
        }
      });
    },
  };
}

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
    plugins: [workers(dir)],
  });
  copyFileSync(join(here, '..', 'harness', 'index.html'), join(dir, page));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
