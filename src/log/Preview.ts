import type * as Y from 'yjs';
import { BATCHES_ROOT, SEALS_ROOT, encodeEntry, isContentKey } from './schema';
import type { YjsEventLog } from './YjsEventLog';

/** How many of the newest entries a preview carries. */
export const PREVIEW_ENTRIES = 100;
/** The preview's format version. */
const PREVIEW_VERSION = 2;
/** A preview larger than this is neither sent nor read. */
const MAX_PREVIEW_BYTES = 512 * 1024;
const MAX_PREVIEW_BATCHES = 8;
/** Seal records a preview carries at most (a million messages are 100 seals). */
const MAX_PREVIEW_SEALS = 200;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The newest entries of the log with the batch records that vouch for them, and the room's
 * seal records, as JSON: `{ "v": 2, "e": [[id, entry]...], "b": [[batchId, batch]...],
 * "s": [[segmentId, seal]...] }`. A peer that has just connected shows these entries at once,
 * long before a large room's full state has arrived, and starts fetching the sealed segments
 * (Seals.ts, hint) while that state travels. Only
 * schema v2 records travel here: their ids are hashes of their content, so a preview cannot
 * name an honest batch or entry id with other content (v1 ids were random).
 */
export function makePreview(log: YjsEventLog, doc: Y.Doc): Uint8Array | undefined {
  const newest = log.page(PREVIEW_ENTRIES).filter((entry) => entry.version === 2);
  if (newest.length === 0) return undefined;
  const batches = doc.getMap(BATCHES_ROOT);
  const batchIds = [...new Set(newest.map((entry) => entry.batch))].slice(-MAX_PREVIEW_BATCHES);
  const wanted = new Set(batchIds);
  const body = {
    v: PREVIEW_VERSION,
    e: newest
      .filter((entry) => wanted.has(entry.batch))
      .map((entry) => [entry.id, encodeEntry(entry)]),
    b: batchIds.map((id) => [id, log.batchRecord(id) ?? batches.get(id)]),
    s: [...doc.getMap(SEALS_ROOT)].slice(-MAX_PREVIEW_SEALS),
  };
  const bytes = encoder.encode(JSON.stringify(body));
  return bytes.length <= MAX_PREVIEW_BYTES ? bytes : undefined;
}

/**
 * Hands a peer's preview to the log, which checks every entry, and its seal records to
 * `seals` (to fetch their segments, each checked whole); malformed input is ignored, and so
 * is anything under a key that is not a v2 content key.
 */
export function readPreview(
  log: YjsEventLog,
  data: Uint8Array,
  seals?: (records: [string, unknown][]) => void,
): void {
  if (data.length > MAX_PREVIEW_BYTES) return;
  let body: unknown;
  try {
    body = JSON.parse(decoder.decode(data));
  } catch {
    return;
  }
  if (typeof body !== 'object' || body === null) return;
  const { v, e, b, s } = body as Record<string, unknown>;
  if (v !== PREVIEW_VERSION || !Array.isArray(e) || !Array.isArray(b)) return;
  const pairs = (list: unknown[], limit: number): [string, unknown][] =>
    list
      .slice(0, limit)
      .filter(
        (p): p is [string, unknown] =>
          Array.isArray(p) && p.length === 2 && typeof p[0] === 'string' && isContentKey(p[0]),
      );
  log.ingest(pairs(e, PREVIEW_ENTRIES), pairs(b, MAX_PREVIEW_BATCHES));
  if (seals && Array.isArray(s)) {
    const records = pairs(s, MAX_PREVIEW_SEALS);
    if (records.length > 0) seals(records);
  }
}
