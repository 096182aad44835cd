// The UpdateStore contract: MemoryUpdateStore and IdbUpdateStore both run it.
import { expect } from '@esm-bundle/chai';
import * as Y from 'yjs';
import type { UpdateStore } from './UpdateStore';
import { mergeValid } from './UpdateStore';

/** What an update store implementation provides to run the contract suite. */
export interface UpdateStoreHarness {
  /** A store on fresh, empty storage. */
  open(): Promise<UpdateStore>;
  /** Another store on the same storage, as a reloaded page makes it. */
  reopen(): Promise<UpdateStore>;
  /** Destroys everything the harness made. */
  cleanup(): Promise<void>;
}

/** Updates of one doc that sets `count` keys, one transaction each. */
export function updatesOf(count: number, prefix = 'k'): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  for (let i = 0; i < count; i += 1) doc.getMap('m').set(`${prefix}${i}`, i);
  return { doc, updates };
}

/** The content of a doc made from `updates`. */
export function contentOf(updates: readonly Uint8Array[]): unknown {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, mergeValid(updates).merged);
  return doc.getMap('m').toJSON();
}

/** The UpdateStore contract. */
export function updateStoreContract(name: string, makeHarness: () => UpdateStoreHarness): void {
  describe(`UpdateStore contract: ${name}`, () => {
    let harness: UpdateStoreHarness;
    beforeEach(() => {
      harness = makeHarness();
    });
    afterEach(async () => {
      await harness.cleanup();
    });

    it('holds nothing at first', async () => {
      const store = await harness.open();
      expect(await store.load()).to.deep.equal({ updates: [], skipped: 0 });
      expect(await store.count()).to.equal(0);
    });

    it('appends in order, counts, and keeps them across a reopen', async () => {
      const store = await harness.open();
      const { updates } = updatesOf(3);
      expect(await store.append(updates.slice(0, 1))).to.equal(1);
      expect(await store.append(updates.slice(1))).to.equal(3);
      const loaded = await (await harness.reopen()).load();
      expect(loaded.updates.map((u) => Array.from(u))).to.deep.equal(
        updates.map((u) => Array.from(u)),
      );
    });

    it('compacts fully into one update holding every stored update', async () => {
      const store = await harness.open();
      const { updates } = updatesOf(10);
      const other = updatesOf(2, 'other');
      await store.append(updates);
      await store.append(other.updates);
      await store.compact('full');
      expect(await store.count()).to.equal(1);
      const loaded = await (await harness.reopen()).load();
      expect(loaded.updates).to.have.length(1);
      expect(contentOf(loaded.updates)).to.deep.equal({
        ...(contentOf(updates) as object),
        ...(contentOf(other.updates) as object),
      });
    });

    it('compacts tiered: a large first update stays, the rest is merged', async () => {
      const store = await harness.open();
      const big = updatesOf(300, 'big');
      const state = Y.encodeStateAsUpdate(big.doc);
      const { updates } = updatesOf(5, 'small');
      await store.append([state, ...updates]);
      await store.compact('tiered');
      const tiered = await store.load();
      expect(tiered.updates).to.have.length(2);
      expect(Array.from(tiered.updates[0] ?? [])).to.deep.equal(Array.from(state));
      // Once the rest outgrows half the first, tiered merges everything.
      await store.append(updatesOf(400, 'more').updates);
      await store.compact('tiered');
      const full = await store.load();
      expect(full.updates).to.have.length(1);
      const content = contentOf(full.updates) as Record<string, unknown>;
      expect(Object.keys(content)).to.have.length(705);
    });

    it('replaces every stored update by one state, across a reopen', async () => {
      const store = await harness.open();
      const { doc, updates } = updatesOf(10);
      await store.append(updates);
      doc.getMap('m').delete('k0');
      const state = Y.encodeStateAsUpdate(doc);
      await store.replaceWith(state);
      expect(await store.count()).to.equal(1);
      const loaded = await (await harness.reopen()).load();
      expect(loaded.updates.map((u) => Array.from(u))).to.deep.equal([Array.from(state)]);
      expect(Object.keys(contentOf(loaded.updates) as object)).to.have.length(9);
    });
  });
}
