import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface BundleFigure {
  readonly files: readonly string[];
  readonly rawBytes: number;
  readonly gzipBytes: number;
}

/**
 * The JavaScript a first page load needs: the module entry scripts and module preloads that
 * dist/index.html names (lazy chunks are not counted), gzipped at level 9.
 */
export function bundleSize(dist: string): BundleFigure {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const sources = new Set<string>();
  for (const match of html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g)) {
    if (match[1]) sources.add(match[1]);
  }
  for (const match of html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)) {
    if (match[1]) sources.add(match[1]);
  }
  if (sources.size === 0) throw new Error('bundle: dist/index.html names no module script');
  let rawBytes = 0;
  let gzipBytes = 0;
  for (const source of sources) {
    const bytes = readFileSync(join(dist, source.replace(/^\//, '')));
    rawBytes += bytes.length;
    gzipBytes += gzipSync(bytes, { level: 9 }).length;
  }
  return { files: [...sources], rawBytes, gzipBytes };
}
