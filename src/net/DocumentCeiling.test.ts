import { expect } from '@esm-bundle/chai';
import * as Y from 'yjs';
import { ROOTS } from '../log/schema';
import { DEFAULT_DOCUMENT_CEILING, DocumentCeiling } from './DocumentCeiling';
import { keepRoots } from './rootFilter';

/** `victim` takes every update of `from` through `ceiling`'s filter, as from a peer. */
function link(from: Y.Doc, victim: Y.Doc, ceiling: DocumentCeiling): void {
  const filter = ceiling.wrap((update) => keepRoots(update, ROOTS));
  from.on('update', (update: Uint8Array) => {
    const passed = filter(update);
    if (passed) Y.applyUpdate(victim, passed, 'peer');
  });
}

describe('DocumentCeiling', () => {
  it("stops peers' updates past the ceiling; what is there stays; own writes go on", () => {
    const peer = new Y.Doc();
    const victim = new Y.Doc();
    const ceiling = new DocumentCeiling(victim, 4096);
    link(peer, victim, ceiling);
    const messages = peer.getMap<string>('messages');
    for (let i = 0; i < 100; i += 1) messages.set(`k${i}`, 'x'.repeat(100));
    expect(ceiling.full).to.equal(true);
    const kept = victim.getMap('messages').size;
    expect(kept).to.be.above(0).and.below(100);
    // At most one update (here about 150 bytes) past the ceiling.
    expect(Y.encodeStateAsUpdate(victim).byteLength).to.be.at.most(4096 + 512);
    // Nothing more comes in, even small.
    messages.set('late', 'y');
    expect(victim.getMap('messages').has('late')).to.equal(false);
    expect(victim.getMap('messages').size).to.equal(kept);
    // This tab still writes.
    victim.getMap('messages').set('own', 'mine');
    expect(victim.getMap('messages').get('own')).to.equal('mine');
    ceiling.destroy();
  });

  it('counts the state already there (a stored room loading) and copies once', () => {
    const stored = new Y.Doc();
    stored.getMap<string>('messages').set('a', 'x'.repeat(3000));
    const victim = new Y.Doc();
    const ceiling = new DocumentCeiling(victim, 4096);
    Y.applyUpdate(victim, Y.encodeStateAsUpdate(stored), 'storage');
    expect(ceiling.bytes).to.be.above(3000);
    // The same update again from another peer integrates nothing new and counts nothing.
    const before = ceiling.bytes;
    const filter = ceiling.wrap((update) => update);
    const again = filter(Y.encodeStateAsUpdate(stored));
    if (again) Y.applyUpdate(victim, again, 'peer');
    expect(ceiling.bytes).to.equal(before);
    expect(ceiling.full).to.equal(false);
    const big = new Y.Doc();
    big.getMap<string>('messages').set('b', 'y'.repeat(2000));
    const crossing = filter(Y.encodeStateAsUpdate(big));
    if (crossing) Y.applyUpdate(victim, crossing, 'peer');
    expect(ceiling.full).to.equal(true);
    expect(filter(Y.encodeStateAsUpdate(big))).to.equal(undefined);
  });

  it('keeps a room below the ceiling as it is', () => {
    const peer = new Y.Doc();
    const victim = new Y.Doc();
    const ceiling = new DocumentCeiling(victim);
    link(peer, victim, ceiling);
    for (let i = 0; i < 100; i += 1) peer.getMap<string>('messages').set(`k${i}`, 'x'.repeat(100));
    expect(victim.getMap('messages').size).to.equal(100);
    expect(ceiling.full).to.equal(false);
  });

  it('forgets structs waiting for a gap that never fills, past the pending cap', () => {
    const peer = new Y.Doc();
    const victim = new Y.Doc();
    const ceiling = new DocumentCeiling(victim, DEFAULT_DOCUMENT_CEILING, 4096);
    const filter = ceiling.wrap((update) => keepRoots(update, ROOTS));
    const messages = peer.getMap<string>('messages');
    messages.set('never-sent', 'x'); // the gap: every later write depends on its clock
    peer.on('update', (update: Uint8Array) => {
      const passed = filter(update);
      if (passed) Y.applyUpdate(victim, passed, 'peer');
    });
    let most = 0;
    for (let i = 0; i < 200; i += 1) {
      messages.set(`k${i}`, 'y'.repeat(100));
      const store = victim.store as unknown as { pendingStructs: { update: Uint8Array } | null };
      most = Math.max(most, store.pendingStructs?.update.byteLength ?? 0);
    }
    expect(victim.getMap('messages').size).to.equal(0);
    expect(ceiling.pendingForgotten).to.be.above(0);
    // At most the cap plus one update (about 150 bytes here).
    expect(most).to.be.at.most(4096 + 512);
    ceiling.destroy();
  });
});
