import * as Y from 'yjs';
import { BATCHES_ROOT, MESSAGES_ROOT, PAGES_ROOT } from '../../log/schema';
import type { Signer } from '../../log/signing';
import { until } from '../waitFor';
import { entryMaps } from './entryMaps';
import { signBatchV1, signBatchV2, type ForgedBatch, type ForgedDraft } from './forgery';

/** Origin of the adversary's own writes, so a recorder can tell them from received ones. */
const HOSTILE = Symbol('hostile');

/**
 * A programmable hostile member of a room. It holds a Y.Doc that replicates like any peer's
 * (over in-memory links in unit tests, over y-webrtc when given a real session's document in
 * the end-to-end harness) and writes what the documented protocol lets any member write:
 * deletes and overwrites of keys, batches signed with its own key that name someone else,
 * entries with any `c` and `t`, and replays of updates it has seen.
 */
export class HostilePeer {
  readonly doc: Y.Doc;
  private readonly seen: Uint8Array[] = [];

  constructor(
    /** The room the adversary's signatures name (it may lie about it too). */
    private readonly roomId: string,
    /** The adversary's own key: it cannot sign as anyone else. */
    readonly signer: Signer,
    doc: Y.Doc = new Y.Doc(),
  ) {
    this.doc = doc;
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== HOSTILE) this.seen.push(update);
    });
  }

  /**
   * The keys of a root map, as the adversary's replica holds them now; for `messages`, the
   * entry ids wherever they stand (the root map and every page).
   */
  keys(root: string = MESSAGES_ROOT): string[] {
    if (root !== MESSAGES_ROOT) return [...this.doc.getMap(root).keys()];
    return [...new Set(this.entryMaps().flatMap((map) => [...map.keys()]))];
  }

  /** The maps entries stand in: the root `messages` and every page under `pages`. */
  entryMaps(): Y.Map<unknown>[] {
    return entryMaps(this.doc);
  }

  /** Deletes every entry and every key of `batches` (or only those given), key by key. */
  deleteKeys(keys?: { messages?: readonly string[]; batches?: readonly string[] }): void {
    this.doc.transact(() => {
      for (const map of this.entryMaps()) {
        for (const key of keys?.messages ?? [...map.keys()]) map.delete(key);
      }
      const batches = this.doc.getMap(BATCHES_ROOT);
      for (const key of keys?.batches ?? [...batches.keys()]) batches.delete(key);
    }, HOSTILE);
  }

  /** Deletes every page of entries whole, as sealing does, with no seal behind it. */
  deletePages(): void {
    const pages = this.doc.getMap(PAGES_ROOT);
    this.doc.transact(() => {
      for (const key of [...pages.keys()]) pages.delete(key);
    }, HOSTILE);
  }

  /**
   * Writes `bytes` of text under a root the schema does not have (an array named `root`), then
   * one more item next to it and one inside a nested array: what a member who wants everyone
   * to hold and store megabytes would write.
   */
  writeOtherRoot(bytes: number, root = 'junk'): void {
    const array = this.doc.getArray<unknown>(root);
    this.doc.transact(() => array.push(['x'.repeat(bytes)]), HOSTILE);
    this.doc.transact(() => array.push(['y'.repeat(1024)]), HOSTILE);
    const nested = new Y.Array<string>();
    this.doc.transact(() => array.push([nested]), HOSTILE);
    this.doc.transact(() => nested.push(['z'.repeat(1024)]), HOSTILE);
  }

  /** Puts `value` under `key` of a root map, whatever stood there. */
  overwrite(root: string, key: string, value: unknown): void {
    this.doc.transact(() => this.doc.getMap(root).set(key, value), HOSTILE);
  }

  /**
   * Replaces every entry it holds by one with the same key and fields but other text, and
   * every batch by a record signed with its own key under the same id: what a member who wants
   * newcomers to see another history would write.
   */
  async rewriteHistory(text: (old: string) => string): Promise<void> {
    const batches = this.doc.getMap(BATCHES_ROOT);
    const rewrites: [Y.Map<unknown>, string, unknown][] = [];
    for (const map of this.entryMaps()) {
      for (const [id, value] of map.entries()) {
        const old = value as Record<string, unknown>;
        rewrites.push([map, id, { ...old, m: text(String(old.m)) }]);
      }
    }
    for (const [batchId, value] of batches.entries()) {
      const old = value as { v: number; u: string; h: string };
      const own = await signBatchV2(this.signer, this.roomId, this.signer.userId, []);
      rewrites.push([batches, batchId, { ...own.batch, v: old.v, h: old.h }]);
    }
    this.doc.transact(() => {
      for (const [map, key, value] of rewrites) map.set(key, value);
    }, HOSTILE);
  }

  /** Signs (with its own key) and writes a version 2 batch naming author `u`. */
  async writeBatch(drafts: readonly ForgedDraft[], u = this.signer.userId): Promise<ForgedBatch> {
    const forged = await signBatchV2(this.signer, this.roomId, u, drafts);
    this.put(forged);
    return forged;
  }

  /** Signs and writes a version 1 batch under a chosen id (v1 ids are random, not content). */
  async writeBatchV1(batchId: string, drafts: readonly ForgedDraft[]): Promise<ForgedBatch> {
    const forged = await signBatchV1(this.signer, this.roomId, batchId, this.signer.userId, drafts);
    this.put(forged);
    return forged;
  }

  /** Writes a forged batch's records into the document. */
  /** Waits until `forged` (written here, sent over a link) is in `victim`'s document. */
  async reaches(victim: Y.Doc, forged: ForgedBatch): Promise<void> {
    await until(
      (onChange) => {
        victim.on('update', onChange);
        return () => victim.off('update', onChange);
      },
      () => victim.getMap(BATCHES_ROOT).has(forged.batchId),
      'the forged batch reaches the victim',
    );
  }

  put(forged: ForgedBatch): void {
    this.doc.transact(() => {
      this.doc.getMap(BATCHES_ROOT).set(forged.batchId, forged.batch);
      for (const [id, entry] of forged.entries) this.doc.getMap(MESSAGES_ROOT).set(id, entry);
    }, HOSTILE);
  }

  /** Every update received so far, to replay. */
  received(): readonly Uint8Array[] {
    return this.seen;
  }

  /**
   * A preview side message (see Preview.ts) carrying the given entries and batches, such as
   * the adversary's own batches under honest batch ids.
   */
  preview(entries: [string, unknown][], batches: [string, unknown][], v = 2): Uint8Array {
    return new TextEncoder().encode(JSON.stringify({ v, e: entries, b: batches }));
  }
}
