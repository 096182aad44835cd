import * as Y from 'yjs';

/** What a load found. */
export interface StoredUpdates {
  /** The stored byte arrays, oldest first (one may still be damaged: apply each with care). */
  readonly updates: readonly Uint8Array[];
  /** Records skipped because they were not byte arrays at all. */
  readonly skipped: number;
}

/**
 * How to compact: `full` leaves one update; `tiered` leaves a large first update alone and
 * merges only the rest into one, unless the rest has grown to half the first's size.
 */
export type CompactionMode = 'full' | 'tiered';

/**
 * Where one room's Yjs updates are kept: an append-only list that compaction replaces by
 * merged updates (the y-indexeddb approach). IdbUpdateStore is the real one, MemoryUpdateStore
 * the fake; both run updateStoreContract.
 */
export interface UpdateStore {
  /** Every stored update, oldest first; records that are not byte arrays are skipped. */
  load(): Promise<StoredUpdates>;
  /** Appends updates, in one transaction; resolves to how many are stored afterwards. */
  append(updates: readonly Uint8Array[]): Promise<number>;
  /**
   * Atomically replaces stored updates by their merge (see compactRecords). It works on the
   * stored bytes alone, so it never loses an update another writer appended.
   */
  compact(mode: CompactionMode): Promise<void>;
  /**
   * Atomically replaces every stored update by `state`, which the caller guarantees holds them
   * all (a writer's own document: see YjsPersistence.rewrite).
   */
  replaceWith(state: Uint8Array): Promise<void>;
  /** How many updates are stored. */
  count(): Promise<number>;
  /** Releases the store (closes its connection). Idempotent. */
  close(): void;
}

/** An update with no content, as Yjs encodes it. */
export const EMPTY_UPDATE = Y.encodeStateAsUpdate(new Y.Doc());

/**
 * The records a compaction leaves. Merging costs time in proportion to the bytes merged (for a
 * room of 100,000 messages, a 21 MB state, some 2.5 s on the main thread), so `tiered` keeps a
 * first record that is over twice the size of all the others and merges just those: the big
 * merge comes again only once the rest has grown to half its size, so its cost per byte
 * written stays constant. Damaged records are dropped (they held nothing usable).
 */
export function compactRecords(records: readonly Uint8Array[], mode: CompactionMode): Uint8Array[] {
  const [first, ...rest] = records;
  if (!first) return [];
  const restBytes = rest.reduce((sum, update) => sum + update.length, 0);
  if (mode === 'tiered' && rest.length > 0 && first.length > 2 * restBytes) {
    return [first, mergeValid(rest).merged];
  }
  return [mergeValid(records).merged];
}

/**
 * Merges updates into one, leaving out any that Yjs cannot parse (a damaged record): one bad
 * update must not cost the rest. Returns the merge and how many were left out.
 */
export function mergeValid(updates: readonly Uint8Array[]): {
  merged: Uint8Array;
  skipped: number;
} {
  try {
    return { merged: Y.mergeUpdates(updates as Uint8Array[]), skipped: 0 };
  } catch {
    const valid = updates.filter(isParseable);
    return { merged: Y.mergeUpdates(valid), skipped: updates.length - valid.length };
  }
}

/** Whether an update carries anything: structs or deletions. */
export function hasContent(update: Uint8Array): boolean {
  return update.length > EMPTY_UPDATE.length;
}

/** Whether a stored value is a byte array at all (what a record must be). */
export function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array;
}

function isParseable(update: Uint8Array): boolean {
  try {
    Y.decodeUpdate(update);
    return true;
  } catch {
    return false;
  }
}
