import { CONTENT_KEY_LENGTH, type SignedEntry } from '../log/schema';

// What passes between the page and the worker that opens sealed segments
// (WorkerSegmentOpener.ts, segmentOpenWorker.ts).

/** A segment to open (segmentOpenWorker.ts): `call` pairs it with its reply. */
export interface OpenRequest {
  readonly call: number;
  readonly roomId: string;
  readonly id: string;
  readonly bytes: Uint8Array;
}

/**
 * The entries of an opened segment as their ids alone, in the segment's order (each 43
 * characters, joined: see entryIds), why it was refused, or why opening failed. The page
 * reads the rest of each entry from the bytes it sent (openedEntries): a structured clone of
 * 10,000 entry objects cost the worker and the page more than opening the segment did.
 */
export type OpenReply =
  | { readonly call: number; readonly ids: string }
  | { readonly call: number; readonly refused: string }
  | { readonly call: number; readonly failed: string };

/** The ids of opened entries, joined, for a reply. */
export function entryIds(entries: readonly SignedEntry[]): string {
  return entries.map((entry) => entry.id).join('');
}

const decoder = new TextDecoder();

/**
 * The entries of a segment the worker opened (openSegment: every hash, signature and the
 * order checked) read back from the same bytes, with the ids it computed: what openSegment
 * returned, without checking again. Throws if `ids` does not fit the bytes' rows.
 */
export function openedEntries(bytes: Uint8Array, ids: string): SignedEntry[] {
  const { e, b } = JSON.parse(decoder.decode(bytes)) as {
    e: [number, number, number, number, string, string?][];
    b: [string, { u: string }][];
  };
  if (ids.length !== e.length * CONTENT_KEY_LENGTH)
    throw new Error('the ids do not fit the segment');
  return e.map(([at, index, unixTime, clock, message, kind], row) => {
    const [batch, record] = b[at] as [string, { u: string }];
    const entry: SignedEntry = {
      id: ids.slice(row * CONTENT_KEY_LENGTH, (row + 1) * CONTENT_KEY_LENGTH),
      userId: record.u,
      message,
      unixTime,
      clock,
      batch,
      index,
      version: 2,
    };
    return kind === undefined ? entry : { ...entry, kind };
  });
}
