import { deleteDB } from 'idb';
import * as Y from 'yjs';
import { IdbUpdateStore, yjsDatabaseName } from '../../storage/IdbUpdateStore';
import type { CompactionMode, StoredUpdates, UpdateStore } from '../../storage/UpdateStore';
import { YjsPersistence } from '../../storage/YjsPersistence';
import type { YjsPersistenceOptions } from '../../storage/YjsPersistenceOptions';

/** Test doubles and set-up for the YjsPersistence suites (src/storage/YjsPersistence*.test.ts). */

/** An UpdateStore that passes every call to `inner`; the doubles below change one or two. */
class PassingUpdateStore implements UpdateStore {
  constructor(protected readonly inner: UpdateStore) {}
  load(): Promise<StoredUpdates> {
    return this.inner.load();
  }
  append(updates: readonly Uint8Array[]): Promise<number> {
    return this.inner.append(updates);
  }
  compact(mode: CompactionMode): Promise<void> {
    return this.inner.compact(mode);
  }
  replaceWith(state: Uint8Array): Promise<void> {
    return this.inner.replaceWith(state);
  }
  count(): Promise<number> {
    return this.inner.count();
  }
  close(): void {
    this.inner.close();
  }
}

/** An UpdateStore that fails the way a full disk or a missing IndexedDB does. */
export class FailingUpdateStore extends PassingUpdateStore {
  constructor(
    inner: UpdateStore,
    readonly failAppend: Error,
    readonly failLoad?: Error,
  ) {
    super(inner);
  }
  override async load(): Promise<StoredUpdates> {
    if (this.failLoad !== undefined) throw this.failLoad;
    return this.inner.load();
  }
  override async append(): Promise<number> {
    await Promise.resolve();
    throw this.failAppend;
  }
}

/**
 * Real IndexedDB underneath, with appends that fail while told to, as a full disk does until
 * space is freed.
 */
export class FlakyUpdateStore extends PassingUpdateStore {
  /** How many of the next appends fail. */
  failing = 0;
  /** Appends tried, failed ones included. */
  appends = 0;
  override async append(updates: readonly Uint8Array[]): Promise<number> {
    this.appends += 1;
    if (this.failing > 0) {
      this.failing -= 1;
      await Promise.resolve();
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    }
    return this.inner.append(updates);
  }
}

/** An UpdateStore that says when a load has returned. */
export class WatchedUpdateStore extends PassingUpdateStore {
  private loadedOnce: () => void = () => undefined;
  /** Settles once the first load has returned. */
  readonly firstLoad = new Promise<void>((resolve) => (this.loadedOnce = resolve));
  override async load(): Promise<StoredUpdates> {
    const stored = await this.inner.load();
    this.loadedOnce();
    return stored;
  }
}

let serial = 0;

/** A fresh room per test, the persistences opened in it, and its database deleted after. */
export class PersistenceRoom {
  readonly room = `yjs-test-${(serial += 1)}-${Date.now()}`;
  readonly made: YjsPersistence[] = [];

  /** Opens a persistence of the room on `doc` and waits until it has loaded. */
  open(doc = new Y.Doc(), options: YjsPersistenceOptions = {}): Promise<YjsPersistence> {
    return this.track(new YjsPersistence(this.room, doc, options)).whenSynced;
  }

  /** Keeps `persistence` for {@link remove}. */
  track(persistence: YjsPersistence): YjsPersistence {
    this.made.push(persistence);
    return persistence;
  }

  /** Records in the room's update store. */
  async storedCount(): Promise<number> {
    const store = new IdbUpdateStore(this.room);
    const count = await store.count();
    store.close();
    return count;
  }

  /** Destroys what was opened and deletes the room's database. */
  async remove(): Promise<void> {
    await Promise.all(this.made.map((p) => p.destroy()));
    await deleteDB(yjsDatabaseName(this.room));
  }
}

/** Sets `count` keys of the doc's messages map, `${prefix}${i}`. */
export function setMany(doc: Y.Doc, count: number, prefix = 'k'): void {
  for (let i = 0; i < count; i += 1)
    doc.getMap('messages').set(`${prefix}${i}`, { m: `text ${i}` });
}
