import { expect } from '@esm-bundle/chai';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { SyncPieces, splitSyncMessage, splitUpdate } from './syncPieces';

/** `n` entries keyed <prefix><i>, shaped like the log's. */
function write(doc: Y.Doc, prefix: string, n: number): void {
  doc.transact(() => {
    for (let i = 0; i < n; i += 1) {
      doc.getMap('messages').set(`${prefix}${i}`, { v: 2, m: `text ${prefix} ${i}`, t: i * 1.5 });
    }
  });
}

/** Syncs `b` into `a` both ways, as peers would. */
function exchange(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
}

/** A room written by three people, with entries removed and a shared list they all insert in. */
function room(): Y.Doc {
  const [ann, bob, cat] = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
  write(ann, 'a', 300);
  exchange(ann, bob);
  write(bob, 'b', 300);
  // Bob inserts between Ann's items: his items' origins are hers.
  ann.getArray('order').insert(0, ['a0', 'a1', 'a2']);
  exchange(ann, bob);
  bob.getArray('order').insert(1, ['b0']);
  exchange(bob, cat);
  write(cat, 'c', 300);
  cat.getArray('order').insert(2, ['c0']);
  cat.getMap('messages').delete('a7');
  cat.getMap('messages').delete('b9');
  exchange(ann, cat);
  exchange(bob, cat);
  return ann;
}

/** What a document holds, to compare two of them. */
function contents(doc: Y.Doc): unknown {
  return {
    messages: doc.getMap('messages').toJSON(),
    order: doc.getArray('order').toJSON(),
    state: [...Y.decodeStateVector(Y.encodeStateVector(doc))].sort((x, y) => x[0] - y[0]),
  };
}

function applied(updates: readonly Uint8Array[]): Y.Doc {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  return doc;
}

function syncMessage(type: number, update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  encoding.writeVarUint(encoder, type);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

/** The update a sync message carries. */
function readUpdate(message: Uint8Array): Uint8Array {
  const d = decoding.createDecoder(message);
  decoding.readVarUint(d);
  decoding.readVarUint(d);
  return decoding.readVarUint8Array(d);
}

describe('syncPieces: a large sync answer in pieces', () => {
  it('pieces applied in order hold what the whole update holds, deletions included', () => {
    const source = room();
    const whole = Y.encodeStateAsUpdate(source);
    const pieces = splitUpdate(whole, 4096);
    if (!pieces) throw new Error('not split');
    expect(pieces.length).to.be.greaterThan(4);
    // Each piece is about the size asked for: cut only between structs.
    for (const piece of pieces) expect(piece.byteLength).to.be.below(4096 + 512);
    const doc = applied(pieces);
    expect(contents(doc)).to.deep.equal(contents(source));
    expect(doc.getMap('messages').has('a7')).to.equal(false);
    expect(doc.store.pendingStructs).to.equal(null);
    expect(doc.store.pendingDs).to.equal(null);
  });

  it('each piece is a valid update that adds only its own structs', () => {
    const source = room();
    const pieces = splitUpdate(Y.encodeStateAsUpdate(source), 4096) ?? [];
    let structs = 0;
    for (const piece of pieces) structs += Y.decodeUpdate(piece).structs.length;
    expect(structs).to.equal(Y.decodeUpdate(Y.encodeStateAsUpdate(source)).structs.length);
    // Only the last carries the delete set.
    for (const piece of pieces.slice(0, -1)) {
      expect(Y.decodeUpdate(piece).ds.clients.size).to.equal(0);
    }
    expect(Y.decodeUpdate(pieces.at(-1) as Uint8Array).ds.clients.size).to.be.greaterThan(0);
  });

  it('a receiver that holds part of the room already ends with the same room', () => {
    const source = room();
    const receiver = new Y.Doc();
    Y.applyUpdate(receiver, splitUpdate(Y.encodeStateAsUpdate(source), 4096)?.[0] as Uint8Array);
    for (const piece of splitUpdate(Y.encodeStateAsUpdate(source), 3000) ?? []) {
      Y.applyUpdate(receiver, piece);
    }
    expect(contents(receiver)).to.deep.equal(contents(source));
  });

  it('does not cut a run after text, whose length in clocks the scan does not count', () => {
    const doc = new Y.Doc();
    const text = doc.getText('notes');
    for (let i = 0; i < 200; i += 1) text.insert(0, `line ${i} é😀\n`);
    write(doc, 'm', 200);
    const pieces = splitUpdate(Y.encodeStateAsUpdate(doc), 1024);
    // However it is cut (or not), the result is the same text.
    const copy = applied(pieces ?? [Y.encodeStateAsUpdate(doc)]);
    expect(copy.getText('notes').toJSON()).to.equal(text.toJSON());
    expect(contents(copy)).to.deep.equal(contents(doc));
  });

  it('leaves small updates, and updates it cannot read, whole', () => {
    const doc = room();
    const whole = Y.encodeStateAsUpdate(doc);
    expect(splitUpdate(whole, whole.byteLength)).to.equal(undefined);
    expect(splitUpdate(new Uint8Array([5, 200, 1, 2]), 2)).to.equal(undefined);
  });

  it('sends all but the last piece as sync updates, the last as the step 2 it was', () => {
    const update = Y.encodeStateAsUpdate(room());
    const messages = splitSyncMessage(syncMessage(1, update), 4096);
    if (!messages) throw new Error('not split');
    const types = messages.map((m) => {
      const d = decoding.createDecoder(m);
      expect(decoding.readVarUint(d)).to.equal(0);
      return decoding.readVarUint(d);
    });
    expect(types.slice(0, -1).every((t) => t === 2)).to.equal(true);
    expect(types.at(-1)).to.equal(1);
    // A sync update stays one: every piece is an update.
    const updates = splitSyncMessage(syncMessage(2, update), 4096) ?? [];
    expect(updates.length).to.equal(messages.length);
    for (const m of updates) expect(m[1]).to.equal(2);
  });

  it('leaves other messages alone: step 1, awareness, small ones', () => {
    const update = Y.encodeStateAsUpdate(room());
    expect(splitSyncMessage(syncMessage(0, update), 4096)).to.equal(undefined);
    const awareness = new Uint8Array(update.byteLength + 2);
    awareness[0] = 1;
    expect(splitSyncMessage(awareness, 4096)).to.equal(undefined);
    expect(splitSyncMessage(syncMessage(1, update), update.byteLength * 2)).to.equal(undefined);
  });

  it('does not send again what pieces on the same channel carried, and sends what is new', () => {
    const source = room();
    const channel = new SyncPieces(4096);
    const first = channel.prepare(syncMessage(1, Y.encodeStateAsUpdate(source))) ?? [];
    expect(first.length).to.be.greaterThan(4);
    // The newcomer asks again before it has applied the pieces: its state vector is empty.
    const again = channel.prepare(syncMessage(1, Y.encodeStateAsUpdate(source))) ?? [];
    expect(again.length).to.equal(1);
    const rest = Y.decodeUpdate(readUpdate(again[0] as Uint8Array));
    expect(rest.structs.length).to.equal(0);
    expect(rest.ds.clients.size).to.be.greaterThan(0);
    // Someone writes meanwhile: the next answer carries that, and only that.
    const before = Y.encodeStateVector(source);
    write(source, 'new', 5);
    const next = channel.prepare(syncMessage(1, Y.encodeStateAsUpdate(source))) ?? [];
    const fresh = Y.decodeUpdate(readUpdate(next[0] as Uint8Array)).structs;
    expect(fresh.length).to.be.greaterThan(0);
    expect(
      fresh.every((s) => s.id.clock >= (Y.decodeStateVector(before).get(s.id.client) ?? 0)),
    ).to.equal(true);
    const doc = applied([...first, ...again, ...next].map(readUpdate));
    expect(contents(doc)).to.deep.equal(contents(source));
  });

  it('passes sync updates (not answers) and other messages through untouched', () => {
    const source = room();
    const channel = new SyncPieces(4096);
    channel.prepare(syncMessage(1, Y.encodeStateAsUpdate(source)));
    const small = syncMessage(2, new Uint8Array([0, 0]));
    expect(channel.prepare(small)).to.equal(undefined);
    const stepOne = syncMessage(0, Y.encodeStateVector(source));
    expect(channel.prepare(stepOne)).to.equal(undefined);
  });
});
