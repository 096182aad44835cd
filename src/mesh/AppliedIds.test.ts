import { expect } from '@esm-bundle/chai';
import * as Y from 'yjs';
import { AppliedIds } from './AppliedIds';
import { newsOf } from './updateNews';

/** Two updates of one writer, the second depending on the first. */
function twoUpdates(): [Uint8Array, Uint8Array] {
  const writer = new Y.Doc();
  const updates: Uint8Array[] = [];
  writer.on('update', (update: Uint8Array) => updates.push(update));
  writer.getMap('m').set('a', 1);
  writer.getMap('m').set('b', 2);
  return updates as [Uint8Array, Uint8Array];
}

/** What `of` answers for the transaction that applies `update` to `doc`. */
function seenWhileApplying(
  doc: Y.Doc,
  update: Uint8Array,
  news = newsOf(doc, update),
  origin = {},
): unknown[] {
  const applied = new AppliedIds(doc);
  const seen: unknown[] = [];
  const onUpdate = (_: Uint8Array, o: unknown): void => {
    seen.push(applied.of(o));
  };
  doc.on('update', onUpdate);
  applied.apply(update, origin, news);
  doc.off('update', onUpdate);
  seen.push(applied.of(origin));
  return seen;
}

describe('AppliedIds', () => {
  it('hands out the ids read on arrival while an update that is all new is applied', () => {
    const [first] = twoUpdates();
    const doc = new Y.Doc();
    const news = newsOf(doc, first);
    const [during, after] = seenWhileApplying(doc, first, news);
    expect(during).to.equal(news?.meta);
    expect(after).to.equal(undefined);
  });

  it('hands out nothing when part of the update must wait for ids it lacks', () => {
    const [, second] = twoUpdates();
    const doc = new Y.Doc();
    // The second alone cannot be integrated: nothing reaches the update event, and of()
    // would be wrong about what the document holds.
    const applied = new AppliedIds(doc);
    const origin = {};
    applied.apply(second, origin, newsOf(doc, second));
    expect(doc.store.pendingStructs).to.not.equal(null);
    expect(applied.of(origin)).to.equal(undefined);
  });

  it('hands out nothing when the update releases structs that were waiting', () => {
    const [first, second] = twoUpdates();
    const doc = new Y.Doc();
    Y.applyUpdate(doc, second);
    // The transaction holds both updates' ids, not only the first's.
    expect(seenWhileApplying(doc, first)).to.deep.equal([undefined, undefined]);
  });

  it('hands out nothing for an update that is partly known here, or another origin', () => {
    const [first] = twoUpdates();
    const writer = new Y.Doc();
    Y.applyUpdate(writer, first);
    writer.getMap('m').set('c', 3);
    const both = Y.encodeStateAsUpdate(writer);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, first);
    expect(seenWhileApplying(doc, both)).to.deep.equal([undefined, undefined]);

    const fresh = new Y.Doc();
    const applied = new AppliedIds(fresh);
    const seen: unknown[] = [];
    fresh.on('update', () => seen.push(applied.of({})));
    applied.apply(first, {}, newsOf(fresh, first));
    expect(seen).to.deep.equal([undefined]);
  });
});
