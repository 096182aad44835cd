import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface BundleFigure {
  readonly files: readonly string[];
  readonly rawBytes: number;
  readonly gzipBytes: number;
}

/**
 * The first page's figure at the top level (what the target is about), and beside it what a
 * room needs in all, so that moving code out of the first load cannot pass for removing it.
 */
export interface BundleReport extends BundleFigure {
  /** Every JS file a room page loads: the first page and the lazy chunks a room open imports. */
  readonly roomPage: BundleFigure;
  /** Lazy chunks loaded only on a later action (see ON_DEMAND), in neither figure above. */
  readonly onDemand: BundleFigure;
  /** The files of `onDemand`, by the ON_DEMAND module whose action loads them. */
  readonly onDemandBy: Readonly<Record<string, readonly string[]>>;
  /** The files of NEVER_FETCHED's modules, in no figure above. */
  readonly neverFetched: readonly string[];
}

/**
 * Lazy chunks a room page does not load until the user does something, by the source module
 * that starts them (a key of Vite's build manifest). Every other lazy chunk counts in the room
 * page's figure; the e2e smoke test checks both lists against what a browser really fetches.
 */
export const ON_DEMAND: Readonly<Record<string, string>> = {
  'src/ui/QrCode.ts': 'when the share dialog opens',
  'src/app/MessageSearch.ts': 'with the first search',
  'src/ui/identityDialogs.ts': 'when “Your identity” or a safety number opens',
  'src/identity/IdentityBackup.ts': 'with the first identity backup export or import',
  'src/ui/RoomNameDialog.ts': 'when the room name dialog opens',
  'src/ui/FileCard.ts': 'when a room first shows a file',
  'src/app/FileShelf.ts': 'with the first file shared',
  'src/storage/SealedPages.ts': 'when a room reads the sealed history it keeps in segments',
};

/**
 * Dynamic imports inside libraries that the app never takes, by their key in the manifest:
 * counted in no figure (their code is in a chunk counted already); the e2e smoke test checks
 * that a browser never fetches them.
 */
export const NEVER_FETCHED: Readonly<Record<string, string>> = {
  'node_modules/@lit-labs/virtualizer/layouts/flow.js':
    'the virtualizer imports its default layout unless given one; the message log gives it',
};

/** One chunk in Vite's build manifest (dist/.vite/manifest.json, `build.manifest`). */
interface ManifestChunk {
  readonly file: string;
  readonly isEntry?: boolean;
  readonly imports?: readonly string[];
  readonly dynamicImports?: readonly string[];
}

/**
 * Sizes the JavaScript of a build in `dist`, gzipped at level 9, file by file (as they are
 * fetched). The first page is what dist/index.html names: module entry scripts and module
 * preloads. The room page adds every chunk the entry can import lazily except those in
 * ON_DEMAND (and what only they import).
 */
export function bundleSize(dist: string): BundleReport {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const firstPage = new Set<string>();
  for (const match of html.matchAll(/<script[^>]*type="module"[^>]*src="\/?([^"]+)"/g)) {
    if (match[1]) firstPage.add(match[1]);
  }
  for (const match of html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="\/?([^"]+)"/g)) {
    if (match[1]) firstPage.add(match[1]);
  }
  if (firstPage.size === 0) throw new Error('bundle: dist/index.html names no module script');

  const manifest = readManifest(dist);
  const entries = Object.keys(manifest).filter((key) => manifest[key]?.isEntry === true);
  const taken = (key: string): boolean => !(key in NEVER_FETCHED);
  const roomPage = reachable(manifest, entries, (key) => taken(key) && !(key in ON_DEMAND));
  const everything = reachable(manifest, entries, taken);
  const onDemand = [...everything].filter((file) => !roomPage.has(file));
  for (const file of firstPage) {
    if (!roomPage.has(file)) throw new Error(`bundle: ${file} is not in the build manifest`);
  }
  return {
    ...measure(dist, [...firstPage]),
    roomPage: measure(dist, [...firstPage, ...[...roomPage].filter((f) => !firstPage.has(f))]),
    onDemand: measure(dist, onDemand),
    neverFetched: Object.keys(NEVER_FETCHED).flatMap((key) => {
      const file = manifest[key]?.file;
      return file && !everything.has(file) ? [file] : [];
    }),
    onDemandBy: Object.fromEntries(
      Object.keys(ON_DEMAND).map((key) => [
        key,
        // Through imports back into the page, another action's chunks are not this one's.
        [...reachable(manifest, [key], (k) => taken(k) && !(k in ON_DEMAND))].filter(
          (file) => !roomPage.has(file),
        ),
      ]),
    ),
  };
}

function readManifest(dist: string): Record<string, ManifestChunk> {
  try {
    return JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8')) as Record<
      string,
      ManifestChunk
    >;
  } catch (error) {
    throw new Error('bundle: no dist/.vite/manifest.json (vite.config.ts sets build.manifest)', {
      cause: error,
    });
  }
}

/** The files of the chunks reachable from `roots` through imports and the allowed dynamic ones. */
function reachable(
  manifest: Record<string, ManifestChunk>,
  roots: readonly string[],
  follow: (dynamicKey: string) => boolean,
): Set<string> {
  const seen = new Set<string>();
  const files = new Set<string>();
  const queue = [...roots];
  for (let key = queue.shift(); key !== undefined; key = queue.shift()) {
    const chunk = manifest[key];
    if (seen.has(key) || !chunk) continue;
    seen.add(key);
    if (chunk.file.endsWith('.js')) files.add(chunk.file);
    queue.push(...(chunk.imports ?? []), ...(chunk.dynamicImports ?? []).filter(follow));
  }
  return files;
}

function measure(dist: string, files: readonly string[]): BundleFigure {
  let rawBytes = 0;
  let gzipBytes = 0;
  for (const file of files) {
    const bytes = readFileSync(join(dist, file));
    rawBytes += bytes.length;
    gzipBytes += gzipSync(bytes, { level: 9 }).length;
  }
  return { files: [...files], rawBytes, gzipBytes };
}
