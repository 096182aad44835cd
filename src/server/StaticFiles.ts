/**
 * Serves the built PWA from one directory: content types browsers and service workers insist
 * on, cache headers that let hashed assets live forever while the shell revalidates, no path
 * outside the directory, and index.html for extension-less deep links (/r/some-room).
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, posix, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { requestPath } from './requestPath.js';

/** Content types by file extension; anything else is served as application/octet-stream. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Cache-Control for content-hashed build output: never changes under the same name. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Cache-Control for everything else (index.html, sw.js, the manifest): always revalidate. */
export const REVALIDATE = 'no-cache';

/** The Cache-Control value for a URL path. */
export function cacheControlFor(urlPath: string): string {
  return urlPath.startsWith('/assets/') ? IMMUTABLE : REVALIDATE;
}

interface Found {
  readonly file: string;
  readonly info: Stats;
}
type Resolved = (Found & { readonly urlPath: string }) | 'bad_request' | 'not_found';

/** Static file handler for GET and HEAD requests. */
export class StaticFiles {
  readonly #root: string | null;
  #realRoot: Promise<string> | null = null;

  /** @param root directory to serve; null serves nothing (the app was not built). */
  constructor(root: string | null) {
    this.#root = root;
  }

  /** Answers a GET or HEAD request; never throws (I/O errors become 404 or a reset). */
  async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const target = await this.#resolve(request.url ?? '/');
    if (target === 'bad_request') return plain(response, 400, 'bad request');
    if (target === 'not_found') return plain(response, 404, 'not found');
    const { info } = target;
    const etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
    response.setHeader('Cache-Control', cacheControlFor(target.urlPath));
    response.setHeader('ETag', etag);
    response.setHeader('Last-Modified', info.mtime.toUTCString());
    response.setHeader('X-Content-Type-Options', 'nosniff');
    if (request.headers['if-none-match'] === etag) {
      response.writeHead(304).end();
      return;
    }
    response.writeHead(200, {
      'Content-Type':
        CONTENT_TYPES[extname(target.file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': info.size,
    });
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    // A client that disconnects mid-download rejects the pipeline; nothing else to clean up.
    await pipeline(createReadStream(target.file), response).catch(() => response.destroy());
  }

  async #resolve(rawUrl: string): Promise<Resolved> {
    if (this.#root === null) return 'not_found';
    const raw = requestPath(rawUrl);
    if (raw === null) return 'bad_request';
    let decoded: string;
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      return 'bad_request';
    }
    if (decoded.includes('\0') || decoded.includes('\\')) return 'bad_request';
    const urlPath = posix.normalize(decoded);
    const segments = urlPath.split('/').filter((segment) => segment !== '');
    // Hidden names and any ".." left after normalizing never reach the file system.
    if (segments.some((segment) => segment.startsWith('.'))) return 'not_found';
    let root: string;
    try {
      root = await (this.#realRoot ??= realpath(this.#root));
    } catch {
      this.#realRoot = null; // the directory may appear later (a build running meanwhile)
      return 'not_found';
    }
    const candidate = segments.length === 0 ? join(root, 'index.html') : join(root, ...segments);
    const found = await this.#inside(root, candidate);
    if (found !== null) return { ...found, urlPath };
    const last = segments[segments.length - 1] ?? '';
    if (extname(last) === '' && !urlPath.startsWith('/assets/')) {
      const index = await this.#inside(root, join(root, 'index.html'));
      if (index !== null) return { ...index, urlPath: '/index.html' };
    }
    return 'not_found';
  }

  /** A regular file inside root, symlinks followed, or null. */
  async #inside(root: string, candidate: string): Promise<Found | null> {
    try {
      const file = await realpath(candidate);
      if (!file.startsWith(root + sep)) return null;
      const info = await stat(file);
      return info.isFile() ? { file, info } : null;
    } catch {
      return null;
    }
  }
}

function plain(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  response.end(body);
}
