import * as Y from 'yjs';
import { mapItemId } from '../net/yInternals';
import { MESSAGES_ROOT, PAGES_ROOT } from './schema';

/**
 * Where a room's entries live in its document (docs/LOG_SCHEMA.md, "Pages"): each writer puts
 * new entries into pages of its own, nested Y.Maps under the root map `pages`, a new page
 * every PAGE_ENTRIES entries or PAGE_MS. Entries written before pages existed stay in the root
 * map `messages`. Once sealed history covers every entry of a page, the page is deleted whole,
 * and Yjs then keeps no tombstone per entry (a deleted map entry otherwise keeps its key, about
 * 57 bytes, for ever): the items of a deleted nested type are collected into ranges of a few
 * bytes. This class reads all of them as one map from entry id to stored value.
 */

/** Entries a writer puts into one page before it starts the next. */
export const PAGE_ENTRIES = 1000;
/** How long a writer writes into one page (ms), so that sealers can tell a page is done. */
export const PAGE_MS = 5 * 60 * 1000;

/** An entry that appeared, changed or vanished; `gone`: no page holds it any more. */
export interface EntryChange {
  readonly id: string;
  readonly gone: boolean;
}

export type EntryObserver = (changes: readonly EntryChange[], transaction: Y.Transaction) => void;

export interface EntryPagesOptions {
  readonly pageEntries?: number;
  readonly pageMs?: number;
  readonly now?: () => number;
  /**
   * Transactions whose every entry write went through set(), which indexes it as it is made
   * (this writer's own batches): their changes are not read again. Reading a batch's 1,000
   * changes back from Yjs was about a twentieth of an append.
   */
  readonly indexed?: (transaction: Y.Transaction) => boolean;
}

interface OwnPage {
  readonly key: string;
  readonly map: Y.Map<unknown>;
  readonly startedAt: number;
  count: number;
}

/** The map or maps holding an entry id. */
type Holders = Y.Map<unknown> | Set<Y.Map<unknown>>;

export class EntryPages {
  private readonly legacy: Y.Map<unknown>;
  private readonly pages: Y.Map<unknown>;
  /**
   * The map (a page, or the legacy root) holding each entry id; a set of them for an id held
   * by several (rare: a hostile or concurrent write). One map needs no set: a set per entry was
   * a third of the collector's work while 100,000 messages were appended.
   */
  private readonly where = new Map<string, Holders>();
  /** The ids each page holds, by the page's map: a deleted map no longer lists them. */
  private readonly held = new Map<Y.Map<unknown>, { readonly key: string; ids: Set<string> }>();
  private readonly observers = new Set<EntryObserver>();
  private own: OwnPage | undefined;
  private pageCount = 0;
  private readonly pageEntries: number;
  private readonly pageMs: number;
  private readonly now: () => number;
  private readonly indexed: (transaction: Y.Transaction) => boolean;

  constructor(
    readonly doc: Y.Doc,
    options: EntryPagesOptions = {},
  ) {
    this.pageEntries = options.pageEntries ?? PAGE_ENTRIES;
    this.pageMs = options.pageMs ?? PAGE_MS;
    this.now = options.now ?? Date.now;
    this.indexed = options.indexed ?? (() => false);
    this.legacy = doc.getMap(MESSAGES_ROOT);
    this.pages = doc.getMap(PAGES_ROOT);
    for (const id of this.legacy.keys()) this.add(this.legacy, id);
    for (const [key, page] of this.pages) if (page instanceof Y.Map) this.adopt(key, page);
    this.legacy.observe(this.onLegacy);
    this.pages.observeDeep(this.onPages);
  }

  /** How many distinct entry ids the document holds. */
  get size(): number {
    return this.where.size;
  }

  keys(): IterableIterator<string> {
    return this.where.keys();
  }

  has(id: string): boolean {
    return this.where.has(id);
  }

  /** The stored value of entry `id` (from any map that holds it). */
  get(id: string): unknown {
    const maps = this.where.get(id);
    if (!maps) return undefined;
    if (!(maps instanceof Set)) return maps.get(id);
    for (const map of maps) {
      const value = map.get(id);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  /** Every value stored under `id`, one per map holding it (a hostile page may differ). */
  values(id: string): unknown[] {
    return [...this.holders(id)].map((map) => map.get(id));
  }

  /** Writes `value` under `id` into this writer's current page (in the caller's transaction). */
  set(id: string, value: unknown): void {
    const page = this.ownPage();
    page.map.set(id, value);
    page.count += 1;
    this.add(page.map, id);
  }

  /** Writes `value` under `id` in every map that holds `id` with another value. */
  restore(id: string, value: unknown, same: (stored: unknown) => boolean): void {
    if (!this.where.has(id)) {
      this.set(id, value);
      return;
    }
    for (const map of this.holders(id)) if (!same(map.get(id))) map.set(id, value);
  }

  /** The Yjs item of the entry's current value, for delivery tracking. */
  itemOf(id: string): { readonly client: number; readonly clock: number } | undefined {
    const maps = this.where.get(id);
    // One map (nearly every entry): asked without a list made for it.
    if (maps === undefined || !(maps instanceof Set)) return maps && mapItemId(maps, id);
    for (const map of maps) {
      const item = mapItemId(map, id);
      if (item) return item;
    }
    return undefined;
  }

  /**
   * Takes sealed entries out of the document, in the caller's transaction: deletes whole every
   * page that holds a `covered` entry, after writing its other entries that `moving` gives a
   * value for (the verified ones) into this writer's current page; covered entries of the
   * legacy root go one by one. Returns how many pages went.
   */
  dropCovered(covered: (id: string) => boolean, moving: (id: string) => unknown): number {
    const doomed: [string, Y.Map<unknown>, ReadonlySet<string>][] = [];
    for (const [map, { key, ids }] of this.held) {
      if (this.pages.get(key) !== map) continue;
      for (const id of ids) {
        if (covered(id)) {
          doomed.push([key, map, ids]);
          break;
        }
      }
    }
    const leaving = new Set(doomed.map(([, map]) => map));
    if (this.own && leaving.has(this.own.map)) this.own = undefined;
    const moved = new Set<string>();
    for (const [key, , ids] of doomed) {
      for (const id of [...ids]) {
        // Moved from another doomed page already, or sealed.
        if (moved.has(id) || covered(id)) continue;
        // Still in a page that stays: nothing to move.
        if ([...this.holders(id)].some((map) => !leaving.has(map))) continue;
        moved.add(id);
        const value = moving(id);
        if (value !== undefined) this.set(id, value);
      }
      this.pages.delete(key);
    }
    for (const id of [...this.legacy.keys()]) if (covered(id)) this.legacy.delete(id);
    return doomed.length;
  }

  /** How many pages the document holds (this writer's own among them). */
  get pageTotal(): number {
    return this.held.size;
  }

  observe(observer: EntryObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  destroy(): void {
    this.legacy.unobserve(this.onLegacy);
    this.pages.unobserveDeep(this.onPages);
    this.observers.clear();
  }

  private ownPage(): OwnPage {
    const own = this.own;
    if (
      own &&
      own.count < this.pageEntries &&
      this.now() - own.startedAt < this.pageMs &&
      this.pages.get(own.key) === own.map
    ) {
      return own;
    }
    // A key no other writer makes: this document's client id and a count.
    const key = `${this.doc.clientID}.${(this.pageCount += 1)}`;
    const map = new Y.Map<unknown>();
    this.pages.set(key, map);
    this.held.set(map, { key, ids: new Set() });
    this.own = { key, map, startedAt: this.now(), count: 0 };
    return this.own;
  }

  private readonly onLegacy = (event: Y.YMapEvent<unknown>): void => {
    const changes = new Map<string, boolean>();
    for (const [id, change] of event.changes.keys) {
      if (change.action === 'delete') changes.set(id, this.remove(this.legacy, id));
      else changes.set(id, this.add(this.legacy, id));
    }
    this.tell(changes, event.transaction);
  };

  private readonly onPages = (events: Y.YEvent<Y.AbstractType<unknown>>[], tx: Y.Transaction) => {
    if (this.indexed(tx)) return;
    const changes = new Map<string, boolean>();
    for (const event of events) {
      if (event.target === this.pages) {
        for (const [key, change] of event.changes.keys) {
          if (change.action !== 'add') this.forget(change.oldValue, changes);
          const page = this.pages.get(key);
          if (change.action !== 'delete' && page instanceof Y.Map) {
            for (const id of this.adopt(key, page)) changes.set(id, false);
          }
        }
      } else if (event.target instanceof Y.Map && this.held.has(event.target)) {
        const map = event.target as Y.Map<unknown>;
        for (const [id, change] of event.changes.keys) {
          if (change.action === 'delete') changes.set(id, this.remove(map, id));
          else changes.set(id, this.add(map, id));
        }
      }
    }
    this.tell(changes, tx);
  };

  private tell(changes: Map<string, boolean>, tx: Y.Transaction): void {
    if (changes.size === 0) return;
    const list = [...changes].map(([id, gone]) => ({ id, gone }));
    for (const observer of [...this.observers]) observer(list, tx);
  }

  /** Indexes a page's entries; returns their ids. */
  private adopt(key: string, page: Y.Map<unknown>): string[] {
    const ids = [...page.keys()];
    const known = this.held.get(page);
    if (!known) this.held.set(page, { key, ids: new Set() });
    for (const id of ids) this.add(page, id);
    return ids;
  }

  /** A page left the document (deleted or replaced): its entries, unless held elsewhere, are gone. */
  private forget(old: unknown, changes: Map<string, boolean>): void {
    if (!(old instanceof Y.Map)) return;
    const page = old as Y.Map<unknown>;
    const known = this.held.get(page);
    if (!known) return;
    this.held.delete(page);
    for (const id of known.ids) changes.set(id, this.unhold(page, id));
  }

  /** Returns false: the id is held (not gone). */
  private add(map: Y.Map<unknown>, id: string): false {
    const maps = this.where.get(id);
    if (!maps) this.where.set(id, map);
    else if (maps instanceof Set) maps.add(map);
    else if (maps !== map) this.where.set(id, new Set([maps, map]));
    this.held.get(map)?.ids.add(id);
    return false;
  }

  /** Whether no map holds `id` any more. */
  private remove(map: Y.Map<unknown>, id: string): boolean {
    this.held.get(map)?.ids.delete(id);
    return this.unhold(map, id);
  }

  /** `map` no longer holds `id`; whether no map does. */
  private unhold(map: Y.Map<unknown>, id: string): boolean {
    const maps = this.where.get(id);
    if (maps instanceof Set) {
      maps.delete(map);
      const [only] = maps;
      if (maps.size === 1 && only) this.where.set(id, only);
      else if (maps.size === 0) this.where.delete(id);
    } else if (maps === map) this.where.delete(id);
    return !this.where.has(id);
  }

  /** The maps holding `id`. */
  private holders(id: string): Iterable<Y.Map<unknown>> {
    const maps = this.where.get(id);
    if (maps === undefined) return [];
    return maps instanceof Set ? maps : [maps];
  }
}
