import type * as Y from 'yjs';
import { BATCHES_ROOT, encodeEntry } from './schema';
import type { YjsEventLog } from './YjsEventLog';

/** How many of the newest entries a preview carries. */
export const PREVIEW_ENTRIES = 100;
/** A preview larger than this is neither sent nor read. */
const MAX_PREVIEW_BYTES = 512 * 1024;
const MAX_PREVIEW_BATCHES = 8;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The newest entries of the log with the batch records that vouch for them, as JSON:
 * `{ "v": 1, "e": [[id, entry]...], "b": [[batchId, batch]...] }`. A peer that has just
 * connected shows these at once, long before a large room's full state has arrived.
 */
export function makePreview(log: YjsEventLog, doc: Y.Doc): Uint8Array | undefined {
  const newest = log.page(PREVIEW_ENTRIES);
  if (newest.length === 0) return undefined;
  const batches = doc.getMap(BATCHES_ROOT);
  const batchIds = [...new Set(newest.map((entry) => entry.batch))].slice(-MAX_PREVIEW_BATCHES);
  const wanted = new Set(batchIds);
  const body = {
    v: 1,
    e: newest
      .filter((entry) => wanted.has(entry.batch))
      .map((entry) => [entry.id, encodeEntry(entry)]),
    b: batchIds.map((id) => [id, batches.get(id)]),
  };
  const bytes = encoder.encode(JSON.stringify(body));
  return bytes.length <= MAX_PREVIEW_BYTES ? bytes : undefined;
}

/** Hands a peer's preview to the log, which checks every entry; malformed input is ignored. */
export function readPreview(log: YjsEventLog, data: Uint8Array): void {
  if (data.length > MAX_PREVIEW_BYTES) return;
  let body: unknown;
  try {
    body = JSON.parse(decoder.decode(data));
  } catch {
    return;
  }
  if (typeof body !== 'object' || body === null) return;
  const { v, e, b } = body as Record<string, unknown>;
  if (v !== 1 || !Array.isArray(e) || !Array.isArray(b)) return;
  const pairs = (list: unknown[], limit: number): [string, unknown][] =>
    list
      .slice(0, limit)
      .filter(
        (p): p is [string, unknown] =>
          Array.isArray(p) && p.length === 2 && typeof p[0] === 'string',
      );
  log.ingest(pairs(e, PREVIEW_ENTRIES), pairs(b, MAX_PREVIEW_BATCHES));
}
