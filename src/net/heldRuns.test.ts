import { expect } from '@esm-bundle/chai';
import * as Y from 'yjs';
import { ROOTS } from '../log/schema';
import { withoutHeld } from './heldRuns';
import { remoteUpdateFilter } from './rootFilter';
import { scanUpdate, type UpdateLayout } from './rootScan';

/** The layout of an update the scan reads (these tests' updates all are). */
function layoutOf(update: Uint8Array, roots: ReadonlySet<string> = ROOTS): UpdateLayout {
  const layout = scanUpdate(update, roots);
  if (!layout) throw new Error('unreadable update');
  return layout;
}

/** Every update `doc` emits from now on, in order. */
function record(doc: Y.Doc): Uint8Array[] {
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  return updates;
}

/** `n` entries keyed id<from>.., shaped like the log's. */
function entries(n: number, from = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = from; i < from + n; i += 1) out[`id${i}`] = { v: 2, m: `text ${i}`, u: 'author' };
  return out;
}

function write(doc: Y.Doc, values: Record<string, unknown>): void {
  doc.transact(() => {
    for (const [key, value] of Object.entries(values)) doc.getMap('messages').set(key, value);
  });
}

describe('heldRuns: copies of what the document holds', () => {
  it('leaves out every run a receiver holds, and nothing it lacks', () => {
    const sender = new Y.Doc();
    const other = new Y.Doc();
    const receiver = new Y.Doc();
    const updates = record(sender);
    write(sender, entries(50));
    write(other, entries(20, 100));
    const both = Y.mergeUpdates([updates[0] as Uint8Array, Y.encodeStateAsUpdate(other)]);
    Y.applyUpdate(receiver, updates[0] as Uint8Array);

    const layout = layoutOf(both);
    expect(layout.runs.map((r) => r.end - r.clock).sort((a, b) => a - b)).to.deep.equal([20, 50]);
    const fresh = withoutHeld(both, layout, receiver);
    // Only the other writer's run is left: the sender's 50 entries are held already.
    expect(Y.decodeUpdate(fresh).structs.map((s) => s.id.client)).to.deep.equal(
      new Array(20).fill(other.clientID),
    );
    Y.applyUpdate(receiver, fresh);
    expect(receiver.getMap('messages').size).to.equal(70);
    expect(Y.encodeStateVector(receiver)).to.deep.equal(
      Y.encodeStateVector(
        (() => {
          const all = new Y.Doc();
          Y.applyUpdate(all, both);
          return all;
        })(),
      ),
    );
  });

  it('gives a copy held whole as an update of nothing, its delete set kept', () => {
    const sender = new Y.Doc();
    const receiver = new Y.Doc();
    const updates = record(sender);
    write(sender, entries(3));
    sender.getMap('messages').delete('id1');
    for (const update of updates) Y.applyUpdate(receiver, update);
    // A full state carries the entries and the deletion; the receiver has both.
    const copy = Y.encodeStateAsUpdate(sender);
    const fresh = withoutHeld(copy, layoutOf(copy), receiver);
    expect(Y.decodeUpdate(fresh).structs).to.have.length(0);
    expect(Y.decodeUpdate(fresh).ds.clients.size).to.equal(1);
    // A receiver that missed the deletion still gets it from the copy.
    const late = new Y.Doc();
    Y.applyUpdate(late, updates[0] as Uint8Array);
    Y.applyUpdate(late, withoutHeld(copy, layoutOf(copy), late));
    expect([...late.getMap('messages').keys()].sort()).to.deep.equal(['id0', 'id2']);
  });

  it('keeps a run partly held, and one with text (its length is not read)', () => {
    const sender = new Y.Doc();
    const receiver = new Y.Doc();
    const updates = record(sender);
    write(sender, entries(5));
    Y.applyUpdate(receiver, updates[0] as Uint8Array);
    write(sender, entries(5, 5));
    const state = Y.encodeStateAsUpdate(sender);
    expect(withoutHeld(state, layoutOf(state), receiver)).to.equal(state);

    const text = new Y.Doc();
    text.getText('other').insert(0, 'héllo 🙂');
    const textUpdate = Y.encodeStateAsUpdate(text);
    Y.applyUpdate(receiver, textUpdate);
    const layout = layoutOf(textUpdate, new Set(['other']));
    expect(Number.isNaN(layout.runs[0]?.end)).to.equal(true);
    expect(withoutHeld(textUpdate, layout, receiver)).to.equal(textUpdate);
  });

  it('the room filter applies a flood of copies to the same document as Yjs alone', () => {
    const writers = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
    const plain = new Y.Doc();
    const filtered = new Y.Doc();
    const filter = remoteUpdateFilter(filtered, ROOTS);
    const all: Uint8Array[] = [];
    for (const writer of writers) writer.on('update', (u: Uint8Array) => all.push(u));
    writers.forEach((writer, w) => {
      for (let round = 0; round < 4; round += 1) write(writer, entries(10, w * 1000 + round * 10));
    });
    writers[0]?.getMap('messages').delete('id3');
    // Every update three times, plus whole states, in an order that leaves gaps for a while.
    const flood = [
      ...all.slice(5),
      ...all,
      ...writers.map((w) => Y.encodeStateAsUpdate(w)),
      ...all,
    ];
    for (const update of flood) {
      Y.applyUpdate(plain, update);
      const passed = filter(update);
      if (passed) Y.applyUpdate(filtered, passed);
    }
    expect(filtered.getMap('messages').toJSON()).to.deep.equal(plain.getMap('messages').toJSON());
    expect(Y.encodeStateVector(filtered)).to.deep.equal(Y.encodeStateVector(plain));
    expect(filtered.store.pendingStructs).to.equal(null);
    expect(filtered.getMap('messages').size).to.equal(119);
  });
});
