import * as Y from 'yjs';
import { encodeBase64url } from '../identity/base64url';
import type { EventLogPort, LogBatchInfo, LogEntry } from '../hub/ports';
import {
  BatchVerifier,
  MAX_BATCH,
  batchBytes,
  joinHashes,
  leafHash,
  vouches,
  type EncodedBatch,
  type VerifiedBatch,
} from './batches';
import { HybridClock } from './HybridClock';
import {
  BATCHES_ROOT,
  DEFAULT_MAX_MESSAGE_LENGTH,
  MESSAGES_ROOT,
  SCHEMA_VERSION,
  compareSigned,
  decodeEntry,
  encodeEntry,
  type RejectReason,
  type SignedEntry,
} from './schema';
import type { SignatureVerifier, Signer } from './signing';
import { newId } from './ids';
import { SortedEntries } from './SortedEntries';

export interface YjsEventLogOptions {
  /** The room's document; the log reads and writes its `messages` and `batches` maps. */
  readonly doc: Y.Doc;
  /** Bound into every signature, so a message cannot be replayed into another room. */
  readonly roomId: string;
  readonly signer: Signer;
  readonly verifier: SignatureVerifier;
  /** Longest accepted message, in UTF-16 code units (default 16,384). */
  readonly maxMessageLength?: number;
  readonly now?: () => number;
  /** Told about every entry turned away (it is never delivered). */
  readonly onReject?: (id: string, reason: RejectReason) => void;
  /**
   * The transaction origin of updates loaded from this tab's storage: their entries are
   * reported with `stored: true`, as are the entries the document held when the log was made.
   */
  readonly storedOrigin?: unknown;
}

/** How many entries are checked and reported together while catching up. */
const REPORT_CHUNK = 5000;
/** Entries whose batch has not arrived (yet) are kept up to this many, oldest dropped. */
const MAX_ORPHANS = 100_000;

/**
 * The EventLogPort over a Yjs document. Local messages are written in signed batches (see
 * batches.ts); every entry in the document, local or remote, is validated and must be vouched
 * for by a verified batch of its author before it is reported or listed. An invalid or forged
 * entry is dropped and counted, never delivered. A verified entry stays, whatever a peer later
 * writes over or deletes in the document.
 */
export class YjsEventLog implements EventLogPort {
  readonly roomId: string;
  private readonly doc: Y.Doc;
  private readonly messages: Y.Map<unknown>;
  private readonly batches: Y.Map<unknown>;
  private readonly signer: Signer;
  private readonly batchVerifier: BatchVerifier;
  private readonly maxMessageLength: number;
  private readonly now: () => number;
  private readonly onReject: (id: string, reason: RejectReason) => void;
  private readonly clock: HybridClock;
  private readonly verified = new Map<string, SignedEntry>();
  private readonly sorted = new SortedEntries();
  private readonly observers = new Set<
    (entries: readonly LogEntry[], info: LogBatchInfo) => void
  >();
  private readonly storedOrigin: unknown;
  /** Local entries not yet written, in append order. */
  private readonly unwritten: Omit<SignedEntry, 'batch' | 'index'>[] = [];
  /**
   * Entries this tab has just written, with the very object put in the map, until admitted:
   * they were checked and hashed here, no need to redo it.
   */
  private readonly ownWritten = new Map<string, { entry: SignedEntry; encoded: unknown }>();
  /** Entries waiting for their batch record, by batch id. */
  private readonly orphans = new Map<string, Set<string>>();
  private orphanCount = 0;
  private writing: Promise<void> | undefined;
  private processing: Promise<void> = Promise.resolve();
  private readonly rejections = new Map<RejectReason, number>();
  private destroyed = false;

  constructor(options: YjsEventLogOptions) {
    this.doc = options.doc;
    this.roomId = options.roomId;
    this.signer = options.signer;
    this.batchVerifier = new BatchVerifier(options.roomId, options.verifier);
    this.maxMessageLength = options.maxMessageLength ?? DEFAULT_MAX_MESSAGE_LENGTH;
    this.now = options.now ?? Date.now;
    this.onReject = options.onReject ?? (() => undefined);
    this.clock = new HybridClock(this.now);
    this.storedOrigin = options.storedOrigin;
    this.messages = this.doc.getMap(MESSAGES_ROOT);
    this.batches = this.doc.getMap(BATCHES_ROOT);
    this.messages.observe(this.onMessages);
    this.batches.observe(this.onBatches);
    this.enqueue([...this.messages.keys()], true);
  }

  /** Entries turned away so far, by reason. */
  rejected(): Record<string, number> {
    return Object.fromEntries(this.rejections);
  }

  /** Settles once every entry written or seen so far has been checked and reported. */
  async whenProcessed(): Promise<void> {
    while (this.writing) await this.writing;
    await this.processing;
  }

  /** Local messages appended but not yet in the document (waiting for their signature). */
  unwrittenCount(): number {
    return this.unwritten.length;
  }

  append(userId: string, message: string): string {
    if (this.destroyed) throw new Error('append: the log is destroyed');
    if (userId !== this.signer.userId) {
      throw new Error(`append: this tab signs as ${this.signer.userId}, not as ${userId}`);
    }
    if (message.length > this.maxMessageLength) {
      throw new RangeError(
        `append: message is ${message.length} characters; the limit is ${this.maxMessageLength}`,
      );
    }
    const id = newId();
    this.unwritten.push({
      id,
      userId,
      message,
      unixTime: this.now(),
      clock: this.clock.tick(),
    });
    this.writing ??= this.writeOwn();
    return id;
  }

  observe(observer: (entries: readonly LogEntry[], info: LogBatchInfo) => void): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  entries(): readonly SignedEntry[] {
    return this.sorted.all();
  }

  /** The newest `count` verified entries before position `end`, oldest first. */
  page(count: number, end?: number): readonly SignedEntry[] {
    return this.sorted.page(count, end);
  }

  /** A verified entry by id. */
  get(id: string): SignedEntry | undefined {
    return this.verified.get(id);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.messages.unobserve(this.onMessages);
    this.batches.unobserve(this.onBatches);
    this.observers.clear();
  }

  /** A method, not the field: the field may change while a write awaits its signature. */
  private isDestroyed(): boolean {
    return this.destroyed;
  }

  /**
   * Writes local entries in batches of at most MAX_BATCH, one signature each, in append order.
   * Appends made while a batch is being signed go into the next one.
   */
  private async writeOwn(): Promise<void> {
    try {
      while (this.unwritten.length > 0 && !this.isDestroyed()) {
        const drafts = this.unwritten.slice(0, MAX_BATCH);
        const batchId = newId();
        const entries: SignedEntry[] = drafts.map((draft, index) => ({
          ...draft,
          batch: batchId,
          index,
        }));
        const hashes = entries.map((entry) => leafHash(entry));
        const h = joinHashes(hashes);
        const signature = await this.signer.sign(
          batchBytes(this.roomId, batchId, this.signer.userId, h),
        );
        if (this.isDestroyed()) return;
        const record: EncodedBatch = {
          v: SCHEMA_VERSION,
          u: this.signer.userId,
          h,
          g: encodeBase64url(signature),
        };
        const all = new Uint8Array(hashes.length * 32);
        hashes.forEach((hash, k) => all.set(hash, k * 32));
        this.batchVerifier.trust(batchId, { userId: this.signer.userId, hashes: all });
        this.doc.transact(() => {
          this.batches.set(batchId, record);
          for (const entry of entries) {
            const encoded = encodeEntry(entry);
            this.ownWritten.set(entry.id, { entry, encoded });
            this.messages.set(entry.id, encoded);
          }
        }, this);
        this.unwritten.splice(0, drafts.length);
      }
    } finally {
      this.writing = undefined;
    }
  }

  private readonly onMessages = (event: Y.YMapEvent<unknown>): void => {
    const ids: string[] = [];
    for (const [id, change] of event.changes.keys) if (change.action !== 'delete') ids.push(id);
    const origin = event.transaction.origin as unknown;
    this.enqueue(ids, this.storedOrigin !== undefined && origin === this.storedOrigin);
  };

  private readonly onBatches = (event: Y.YMapEvent<unknown>): void => {
    const ids: string[] = [];
    for (const [batchId, change] of event.changes.keys) {
      if (change.action === 'delete') continue;
      const waiting = this.orphans.get(batchId);
      if (!waiting) continue;
      this.orphans.delete(batchId);
      this.orphanCount -= waiting.size;
      ids.push(...waiting);
    }
    this.enqueue(ids);
  };

  private enqueue(ids: string[], stored = false): void {
    if (ids.length === 0) return;
    this.processing = this.processing.then(() => this.process(ids, stored));
  }

  private async process(ids: readonly string[], stored: boolean): Promise<void> {
    await this.admit(
      ids.map((id) => [id, this.messages.get(id)] as const),
      (batchId) => this.batches.get(batchId),
      true,
      stored,
    );
  }

  /**
   * Takes entries that came from outside the document (a peer's preview, see Preview.ts)
   * with the batch records that vouch for them; each is checked like any other. An entry
   * whose batch is missing is dropped here: it will come again with the full sync.
   */
  ingest(
    entries: readonly (readonly [string, unknown])[],
    batches: readonly (readonly [string, unknown])[],
  ): void {
    if (this.destroyed || entries.length === 0) return;
    const given = new Map(batches);
    this.processing = this.processing.then(() =>
      this.admit(
        entries,
        (batchId) => given.get(batchId) ?? this.batches.get(batchId),
        false,
        false,
      ),
    );
  }

  private async admit(
    pairs: readonly (readonly [string, unknown])[],
    batchValue: (batchId: string) => unknown,
    fromDocument: boolean,
    stored: boolean,
  ): Promise<void> {
    const candidates: SignedEntry[] = [];
    for (const [id, value] of pairs) {
      const known = this.verified.get(id);
      if (known) {
        if (value !== undefined && !sameEncoded(known, value)) this.reject(id, 'id-reused');
        continue;
      }
      // The map still holds the object this tab wrote: it was checked before it was written.
      const mine = this.ownWritten.get(id);
      const decoded =
        mine !== undefined && value === mine.encoded
          ? mine.entry
          : decodeEntry(id, value, this.maxMessageLength);
      if (typeof decoded === 'string') this.reject(id, decoded);
      else candidates.push(decoded);
    }
    // Newest first, so a peer catching up on a long history shows the latest messages soonest.
    candidates.sort((a, b) => compareSigned(b, a));
    for (let start = 0; start < candidates.length; start += REPORT_CHUNK) {
      const chunk = candidates.slice(start, start + REPORT_CHUNK);
      const batches = await this.batchesFor(chunk, batchValue);
      if (this.destroyed) return;
      const accepted: SignedEntry[] = [];
      for (const entry of chunk) {
        if (this.verified.has(entry.id)) continue; // admitted meanwhile (preview, then sync)
        const batch = batches.get(entry.batch);
        const mine = this.ownWritten.get(entry.id);
        this.ownWritten.delete(entry.id);
        // Our own entry, unless a peer wrote over it before we got to it.
        const own = mine !== undefined && (mine.entry === entry || sameEntry(mine.entry, entry));
        if (batch === undefined) {
          if (fromDocument) this.orphan(entry);
        } else if (batch !== null && (own || vouches(batch, entry))) accepted.push(entry);
        else this.reject(entry.id, 'bad-signature');
      }
      accepted.reverse();
      for (const entry of accepted) {
        this.verified.set(entry.id, entry);
        this.clock.observe(entry.clock);
      }
      this.sorted.insertSorted(accepted);
      if (accepted.length === 0) continue;
      for (const observer of [...this.observers]) observer(accepted, { stored });
    }
  }

  /** The verified batch for each entry's batch id: null if invalid, absent if not arrived. */
  private async batchesFor(
    entries: readonly SignedEntry[],
    batchValue: (batchId: string) => unknown,
  ): Promise<Map<string, VerifiedBatch | null>> {
    const out = new Map<string, VerifiedBatch | null>();
    const ids = [...new Set(entries.map((e) => e.batch))];
    await Promise.all(
      ids.map(async (batchId) => {
        const known = this.batchVerifier.known(batchId);
        if (known) {
          out.set(batchId, known);
          return;
        }
        const value = batchValue(batchId);
        if (value === undefined) return;
        out.set(batchId, (await this.batchVerifier.check(batchId, value)) ?? null);
      }),
    );
    return out;
  }

  /** Keeps an entry until its batch arrives; a flood of them drops the oldest. */
  private orphan(entry: SignedEntry): void {
    let waiting = this.orphans.get(entry.batch);
    if (!waiting) {
      waiting = new Set<string>();
      this.orphans.set(entry.batch, waiting);
    }
    if (waiting.has(entry.id)) return;
    waiting.add(entry.id);
    this.orphanCount += 1;
    while (this.orphanCount > MAX_ORPHANS) {
      const [oldestBatch, oldest] = this.orphans.entries().next().value as [string, Set<string>];
      this.orphans.delete(oldestBatch);
      this.orphanCount -= oldest.size;
      for (const id of oldest) this.reject(id, 'orphaned');
    }
  }

  private reject(id: string, reason: RejectReason): void {
    this.rejections.set(reason, (this.rejections.get(reason) ?? 0) + 1);
    this.onReject(id, reason);
  }
}

/** Whether two decoded entries are the same in every field that is stored. */
function sameEntry(a: SignedEntry, b: SignedEntry): boolean {
  return (
    a.id === b.id &&
    a.userId === b.userId &&
    a.unixTime === b.unixTime &&
    a.clock === b.clock &&
    a.message === b.message &&
    a.batch === b.batch &&
    a.index === b.index
  );
}

function sameEncoded(entry: SignedEntry, value: unknown): boolean {
  const encoded = encodeEntry(entry) as unknown as Record<string, unknown>;
  if (typeof value !== 'object' || value === null) return false;
  const other = value as Record<string, unknown>;
  return Object.keys(encoded).every((key) => encoded[key] === other[key]);
}
