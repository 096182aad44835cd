import { expect } from '@esm-bundle/chai';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { echoCheck } from './echo';

/** A y-webrtc sync message (0) of sync type `type` (1: step 2, 2: update) carrying `update`. */
function sync(type: 1 | 2, update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint(e, type);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}

/** The sync update message `doc` emits while it applies `update` (what y-webrtc would send). */
function forwarded(doc: Y.Doc, update: Uint8Array): Uint8Array {
  let out: Uint8Array | undefined;
  const take = (u: Uint8Array): void => {
    out = u;
  };
  doc.on('update', take);
  Y.applyUpdate(doc, update);
  doc.off('update', take);
  if (!out) throw new Error('nothing new was applied');
  return sync(2, out);
}

function writer(entries: number, from = 0): Y.Doc {
  const doc = new Y.Doc();
  doc.transact(() => {
    for (let i = from; i < from + entries; i += 1) doc.getMap('messages').set(`id${i}`, { m: i });
  });
  return doc;
}

describe('echo: updates sent back to the peer they came from', () => {
  it('knows the update a peer sent, as an update or as a whole state, when it is sent back', () => {
    const peer = writer(20);
    const update = Y.encodeStateAsUpdate(peer);
    expect(echoCheck(sync(2, update))(forwarded(new Y.Doc(), update))).to.equal(true);
    expect(echoCheck(sync(1, update))(forwarded(new Y.Doc(), update))).to.equal(true);
  });

  it('sends what the peer lacks: structs of another writer freed by its update', () => {
    const first = writer(5);
    const firstUpdate = Y.encodeStateAsUpdate(first);
    // A second writer's entry that waits for the first writer's structs.
    const second = new Y.Doc();
    Y.applyUpdate(second, firstUpdate);
    second.getArray('list').insert(0, ['x']);
    second.getMap('messages').set('id0', { m: 'over' });
    const local = new Y.Doc();
    Y.applyUpdate(local, Y.encodeStateAsUpdate(second, Y.encodeStateVector(first)));
    expect(local.store.pendingStructs).to.not.equal(null);
    // The first writer's update frees them: what goes back to it carries the second's too.
    const out = forwarded(local, firstUpdate);
    expect(echoCheck(sync(2, firstUpdate))(out)).to.equal(false);
  });

  it('sends an update with deletions, and anything that is not a sync update', () => {
    const peer = writer(3);
    const before = Y.encodeStateVector(peer);
    peer.getMap('messages').set('id1', { m: 'replaced' });
    const local = new Y.Doc();
    Y.applyUpdate(local, Y.encodeStateAsUpdate(peer, new Uint8Array([0])));
    const change = Y.encodeStateAsUpdate(peer, before);
    const check = echoCheck(sync(2, Y.encodeStateAsUpdate(peer)));
    expect(check(sync(2, change))).to.equal(false);
    expect(check(sync(1, Y.encodeStateAsUpdate(writer(1))))).to.equal(false);
    expect(check(new Uint8Array([1, 2, 3]))).to.equal(false);
    expect(echoCheck(new Uint8Array([0, 0, 5]))(sync(2, Y.encodeStateAsUpdate(peer)))).to.equal(
      false,
    );
  });

  it('sends an update whose structs the peer did not carry', () => {
    const peer = writer(10);
    const other = writer(10, 100);
    const check = echoCheck(sync(2, Y.encodeStateAsUpdate(peer)));
    expect(check(sync(2, Y.encodeStateAsUpdate(other)))).to.equal(false);
  });
});
