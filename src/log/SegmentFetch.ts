import { sha256 } from '@noble/hashes/sha2.js';
import { encodeBase64url } from '../identity/base64url';
import type { SegmentStore } from '../storage/SegmentStore';
import { readRecord, type SealRecord } from './sealRecord';
import { isContentKey, type SignedEntry } from './schema';

/** A segment no peer could send is asked for again after this long. */
const REFETCH_MS = 30_000;
/**
 * Sealed segments fetched side by side. Enough that a newcomer has its first segments' bytes
 * (about 110 KB each, compressed) in hand early, while its page is still free to read them and
 * hand them to the opener: fetching the next only once the one before is checked made the
 * later ones wait for the page, busy applying the live document by then.
 */
export const SEGMENT_FETCHES = 8;
/** Seal records taken from a peer's preview, at most. */
const MAX_HINTS = 200;
/** Compressed segments kept in memory to serve them (each about 80 KB). */
const PACKED_CACHE = 16;

/** How segments are compressed for the wire (deflate-raw in the app: src/net/deflate.ts). */
export interface SegmentPacking {
  pack(bytes: Uint8Array): Promise<Uint8Array>;
  /** Inflates; rejects past `maxBytes` or on a stream that is not valid. */
  unpack(bytes: Uint8Array, maxBytes: number): Promise<Uint8Array>;
}

/** What fetching needs of the room's seals (Seals.ts, EpochSeals). */
export interface FetchHost {
  readonly roomId: string;
  /** The document's seal records (as many as a reader looks at). */
  seals(): [string, unknown][];
  /** Whether the document holds the seal `id`. */
  inDocument(id: string): boolean;
  /** Whether the segment `id` is checked, kept or held here already. */
  has(id: string): boolean;
  /** Before a run: seals checked with what the tab holds, and kept segments counted. */
  prepare(): Promise<void>;
  /** A segment's entries, opened and checked whole; undefined if refused. */
  open(id: string, bytes: Uint8Array): Promise<SignedEntry[] | undefined>;
  /** Segments are about to be fetched: whatever opens them may get ready while they travel. */
  warm(): void;
  /** Takes a checked segment's entries; `kept`: the segment is in the store. */
  settle(id: string, entries: readonly SignedEntry[], kept: boolean): void;
  isDestroyed(): boolean;
}

export interface SegmentFetchOptions {
  /** Fetches a segment's bytes from the room's peers (by SHA-256, length); throws if none has it. */
  readonly fetch?: (id: string, size: number) => Promise<Uint8Array>;
  /** Segments travel compressed when both sides have this. */
  readonly packing?: SegmentPacking;
  /** Where segments are kept. */
  readonly store?: SegmentStore;
}

/** A segment fetched from a peer and checked whole. */
interface FetchedSegment {
  readonly id: string;
  readonly bytes: Uint8Array;
  /** The compressed form it came in, if it did (kept in place of the bytes). */
  readonly packed: Uint8Array | undefined;
  readonly record: SealRecord;
  readonly entries: readonly SignedEntry[];
}

/**
 * Sealed segments between this tab and its peers (docs/LOG_SCHEMA.md, "Sealing"): fetching
 * the segments of seals the tab cannot check with what it holds, newest first, a few side by
 * side, each checked whole and kept; and the compressed forms it serves.
 */
export class SegmentFetch {
  /** Seals whose segment was asked of peers, and when. */
  private readonly asked = new Map<string, number>();
  /** Seal records a peer announced before its document arrived (hint), to fetch early. */
  private readonly hints = new Map<string, unknown>();
  private fetching: Promise<number> | undefined;
  private again = false;
  /** Compressed segments by their own hash, newest last, to serve them. */
  private readonly packed = new Map<string, Uint8Array>();

  constructor(
    private readonly host: FetchHost,
    private readonly options: SegmentFetchOptions,
  ) {}

  /** See EpochSeals.hint. */
  hint(records: readonly (readonly [string, unknown])[]): Promise<number> {
    for (const [id, value] of records.slice(0, MAX_HINTS)) {
      if (this.hints.size >= MAX_HINTS) break;
      if (isContentKey(id) && readRecord(value) && !this.host.inDocument(id)) {
        this.hints.set(id, value);
      }
    }
    return this.fetchMissing();
  }

  /** See EpochSeals.fetchMissing. */
  fetchMissing(): Promise<number> {
    if (this.fetching) {
      // Seals or peers came meanwhile: looked at again once this run is done.
      this.again = true;
      return this.fetching;
    }
    const run = async (): Promise<number> => {
      let taken = 0;
      do {
        this.again = false;
        taken += await this.fetchEach();
      } while (this.askedAgain());
      return taken;
    };
    this.fetching = run().finally(() => (this.fetching = undefined));
    return this.fetching;
  }

  /**
   * The compressed form of a sealed segment asked for by its hash: kept from sealing or
   * fetching, or made again from the segment this tab keeps (compression is deterministic,
   * and the result is served only if it hashes to the name asked for).
   */
  async packedFor(hash: string): Promise<Uint8Array | undefined> {
    const cached = this.packed.get(hash);
    if (cached) return cached;
    const packing = this.options.packing;
    if (!packing || !isContentKey(hash)) return undefined;
    for (const [id, value] of this.host.seals()) {
      if (readRecord(value)?.z?.[0] !== hash) continue;
      const store = this.options.store;
      // Kept compressed as it came (or as it was sealed here), else compressed again.
      const kept = await store?.packed(this.host.roomId, id);
      const bytes = kept ? undefined : await store?.get(this.host.roomId, id);
      const packed = kept ?? (bytes && (await packing.pack(bytes)));
      if (!packed || encodeBase64url(sha256(packed)) !== hash) return undefined;
      this.remember(hash, packed);
      return packed;
    }
    return undefined;
  }

  /** The compressed segment named `hash` if it is kept in memory to serve it. */
  packedHeld(hash: string): Uint8Array | undefined {
    return this.packed.get(hash);
  }

  /** Keeps a compressed segment to serve it. */
  remember(hash: string, packed: Uint8Array): void {
    this.packed.delete(hash);
    this.packed.set(hash, packed);
    while (this.packed.size > PACKED_CACHE) {
      this.packed.delete(this.packed.keys().next().value as string);
    }
  }

  private askedAgain(): boolean {
    return this.again && !this.host.isDestroyed();
  }

  private async fetchEach(): Promise<number> {
    const fetch = this.options.fetch;
    if (!fetch) return 0;
    await this.host.prepare();
    // Newest first: a newcomer reads recent history before the oldest.
    const queue = this.wanted();
    if (queue.some(([id]) => this.isDue(id, Date.now()))) this.host.warm();
    let taken = 0;
    // A few side by side: one segment travels while the one before it is checked, and each
    // fetch asks another peer first. Each worker keeps one segment while fetching the next.
    const worker = async (): Promise<void> => {
      let keeping: Promise<void> | undefined;
      for (let next = queue.shift(); next && !this.host.isDestroyed(); next = queue.shift()) {
        const fetched = await this.fetchOne(fetch, next[0], next[1]);
        await keeping;
        if (!fetched || this.host.isDestroyed()) continue;
        taken += 1;
        keeping = this.keepFetched(fetched);
      }
      await keeping;
    };
    await Promise.all(Array.from({ length: SEGMENT_FETCHES }, worker));
    return taken;
  }

  /** The seals to fetch the segments of, the document's and hinted ones, newest first. */
  private wanted(): [string, unknown][] {
    const all = new Map(this.host.seals());
    for (const [id, value] of this.hints) {
      if (!all.has(id)) all.set(id, value);
      // Asked once: a hint no peer could answer is dropped (a real seal comes in the document).
      this.hints.delete(id);
    }
    const last = (value: unknown): number => readRecord(value)?.l[0] ?? 0;
    return [...all].sort(([, a], [, b]) => last(b) - last(a));
  }

  /** Whether the segment `id` is to be asked of peers now: not here, not asked lately. */
  private isDue(id: string, now: number): boolean {
    const at = this.asked.get(id);
    return !this.host.has(id) && isContentKey(id) && (at === undefined || now - at >= REFETCH_MS);
  }

  /** Fetches and checks one sealed segment; undefined if none came or it was refused. */
  private async fetchOne(
    fetch: NonNullable<SegmentFetchOptions['fetch']>,
    id: string,
    value: unknown,
  ): Promise<FetchedSegment | undefined> {
    const record = readRecord(value);
    const now = Date.now();
    if (!record || !this.isDue(id, now)) return;
    this.asked.set(id, now);
    // Compressed first; if no peer has that form, or it is not the segment, the plain one.
    const compressed = await this.fetchPacked(record);
    let packed = compressed?.packed;
    let bytes = compressed?.bytes;
    let entries = bytes && (await this.host.open(id, bytes));
    if (!entries) {
      packed = undefined;
      bytes = await fetch(id, record.s).catch(() => undefined);
      entries = bytes && (await this.host.open(id, bytes));
    }
    return bytes && entries ? { id, bytes, packed, record, entries } : undefined;
  }

  /** The segment's bytes from its compressed form, if the seal names one and a peer has it. */
  private async fetchPacked(
    record: SealRecord,
  ): Promise<{ packed: Uint8Array; bytes: Uint8Array } | undefined> {
    const { fetch, packing } = this.options;
    if (!fetch || !packing || !record.z) return undefined;
    try {
      const packed = await fetch(record.z[0], record.z[1]);
      this.remember(record.z[0], packed);
      return { packed, bytes: await packing.unpack(packed, record.s) };
    } catch {
      return undefined;
    }
  }

  /** Keeps a checked segment, then has the host take its entries (read from storage once kept). */
  private async keepFetched({ id, bytes, packed, record, entries }: FetchedSegment): Promise<void> {
    const segment = {
      id,
      bytes: new Uint8Array(bytes),
      first: { clock: record.f[0], id: record.f[1] },
      last: { clock: record.l[0], id: record.l[1] },
      count: record.n,
    };
    const store = this.options.store;
    const kept = store
      ? await store.put(this.host.roomId, segment, kindsOf(entries), packed).then(
          () => true,
          () => false,
        )
      : false;
    this.host.settle(id, entries, kept);
  }
}

/** The kind entries among a segment's entries. */
export function kindsOf(entries: readonly SignedEntry[]): SignedEntry[] {
  return entries.filter((entry) => entry.kind !== undefined);
}
