import * as Y from 'yjs';
import { decodeBase64url, encodeBase64url } from '../identity/base64url';
import type { EventLogPort, LogEntry } from '../hub/ports';
import { HybridClock } from './HybridClock';
import {
  DEFAULT_MAX_MESSAGE_LENGTH,
  MESSAGES_ROOT,
  canonicalBytes,
  compareSigned,
  decodeEntry,
  encodeEntry,
  type RejectReason,
  type SignedEntry,
} from './schema';
import type { SignatureVerifier, Signer } from './signing';
import { SortedEntries } from './SortedEntries';

export interface YjsEventLogOptions {
  /** The room's document; the log reads and writes its `messages` map. */
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
}

/** How many entries are verified and reported together while catching up. */
const VERIFY_CHUNK = 2000;

/**
 * The EventLogPort over a Yjs document. Local messages are signed, then written; every entry
 * from the document, local or remote, is validated and its signature verified before it is
 * reported or listed. An invalid or forged entry is dropped and counted, never delivered.
 * A verified entry stays, whatever a peer later writes over or deletes in the document.
 */
export class YjsEventLog implements EventLogPort {
  readonly roomId: string;
  private readonly doc: Y.Doc;
  private readonly messages: Y.Map<unknown>;
  private readonly signer: Signer;
  private readonly verifier: SignatureVerifier;
  private readonly maxMessageLength: number;
  private readonly now: () => number;
  private readonly onReject: (id: string, reason: RejectReason) => void;
  private readonly clock: HybridClock;
  private readonly verified = new Map<string, SignedEntry>();
  private readonly sorted = new SortedEntries();
  private readonly observers = new Set<(entries: readonly LogEntry[]) => void>();
  /** Local entries signed or being signed, by id: written in append order. */
  private readonly own = new Map<string, { entry: SignedEntry; signing: Promise<string> }>();
  private readonly unwritten: string[] = [];
  private writing: Promise<void> | undefined;
  private processing: Promise<void> = Promise.resolve();
  private readonly rejections = new Map<RejectReason, number>();
  private destroyed = false;

  constructor(options: YjsEventLogOptions) {
    this.doc = options.doc;
    this.roomId = options.roomId;
    this.signer = options.signer;
    this.verifier = options.verifier;
    this.maxMessageLength = options.maxMessageLength ?? DEFAULT_MAX_MESSAGE_LENGTH;
    this.now = options.now ?? Date.now;
    this.onReject = options.onReject ?? (() => undefined);
    this.clock = new HybridClock(this.now);
    this.messages = this.doc.getMap(MESSAGES_ROOT);
    this.messages.observe(this.onChange);
    this.enqueue([...this.messages.keys()]);
  }

  /** Entries turned away so far, by reason. */
  rejected(): Record<string, number> {
    return Object.fromEntries(this.rejections);
  }

  /** Settles once every entry seen so far has been verified and reported. */
  async whenProcessed(): Promise<void> {
    await this.writing;
    await this.processing;
  }

  /** Ids of local messages not yet written to the document (still being signed). */
  unwrittenIds(): readonly string[] {
    return [...this.unwritten];
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
    const entry: SignedEntry = {
      id: newEntryId(),
      userId,
      message,
      unixTime: this.now(),
      clock: this.clock.tick(),
      signature: '',
    };
    const signing = this.signer
      .sign(canonicalBytes(this.roomId, entry))
      .then((signature) => encodeBase64url(signature));
    this.own.set(entry.id, { entry, signing });
    this.unwritten.push(entry.id);
    this.writing ??= this.writeOwn();
    return entry.id;
  }

  observe(observer: (entries: readonly LogEntry[]) => void): () => void {
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

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.messages.unobserve(this.onChange);
    this.observers.clear();
  }

  /** A method, not the field: the field may change while a write awaits its signatures. */
  private isDestroyed(): boolean {
    return this.destroyed;
  }

  /** Writes signed local entries in append order, batching whatever is ready together. */
  private async writeOwn(): Promise<void> {
    try {
      while (this.unwritten.length > 0 && !this.destroyed) {
        const ids = this.unwritten.slice();
        const signatures = await Promise.all(
          ids.map((id) => this.own.get(id)?.signing ?? Promise.resolve('')),
        );
        if (this.isDestroyed()) return;
        this.doc.transact(() => {
          ids.forEach((id, i) => {
            const own = this.own.get(id);
            if (!own) return;
            const entry = { ...own.entry, signature: signatures[i] ?? '' };
            this.own.set(id, { entry, signing: own.signing });
            this.messages.set(id, encodeEntry(entry));
          });
        }, this);
        this.unwritten.splice(0, ids.length);
      }
    } finally {
      this.writing = undefined;
    }
  }

  private readonly onChange = (event: Y.YMapEvent<unknown>): void => {
    const ids: string[] = [];
    for (const [id, change] of event.changes.keys) if (change.action !== 'delete') ids.push(id);
    this.enqueue(ids);
  };

  private enqueue(ids: string[]): void {
    if (ids.length === 0) return;
    this.processing = this.processing.then(() => this.process(ids));
  }

  private async process(ids: readonly string[]): Promise<void> {
    const candidates: SignedEntry[] = [];
    for (const id of ids) {
      const value = this.messages.get(id);
      const known = this.verified.get(id);
      if (known) {
        if (value !== undefined && !sameEncoded(known, value)) this.reject(id, 'id-reused');
        continue;
      }
      const decoded = decodeEntry(id, value, this.maxMessageLength);
      if (typeof decoded === 'string') this.reject(id, decoded);
      else candidates.push(decoded);
    }
    // Newest first, so a peer catching up on a long history shows the latest messages soonest.
    candidates.sort((a, b) => compareSigned(b, a));
    for (let start = 0; start < candidates.length; start += VERIFY_CHUNK) {
      const chunk = candidates.slice(start, start + VERIFY_CHUNK);
      const valid = await Promise.all(chunk.map((entry) => this.check(entry)));
      if (this.destroyed) return;
      const accepted = chunk.filter((_, i) => valid[i]).reverse();
      for (const entry of accepted) {
        this.verified.set(entry.id, entry);
        this.clock.observe(entry.clock);
      }
      this.sorted.insertSorted(accepted);
      if (accepted.length > 0) for (const observer of [...this.observers]) observer(accepted);
    }
  }

  private async check(entry: SignedEntry): Promise<boolean> {
    const own = this.own.get(entry.id)?.entry;
    if (own && own.signature === entry.signature && sameEncoded(own, encodeEntry(entry))) {
      this.own.delete(entry.id);
      return true;
    }
    const signature = decodeBase64url(entry.signature);
    if (!signature) {
      this.reject(entry.id, 'bad-shape');
      return false;
    }
    const ok = await this.verifier.verify(
      entry.userId,
      canonicalBytes(this.roomId, entry),
      signature,
    );
    if (!ok) this.reject(entry.id, 'bad-signature');
    return ok;
  }

  private reject(id: string, reason: RejectReason): void {
    this.rejections.set(reason, (this.rejections.get(reason) ?? 0) + 1);
    this.onReject(id, reason);
  }
}

function sameEncoded(entry: SignedEntry, value: unknown): boolean {
  const encoded = encodeEntry(entry) as unknown as Record<string, unknown>;
  if (typeof value !== 'object' || value === null) return false;
  const other = value as Record<string, unknown>;
  return Object.keys(encoded).every((key) => encoded[key] === other[key]);
}

/** 16 random bytes, base64url: unique without coordination. */
function newEntryId(): string {
  return encodeBase64url(crypto.getRandomValues(new Uint8Array(16)));
}
