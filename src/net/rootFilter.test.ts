import { expect } from '@esm-bundle/chai';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { ROOTS } from '../log/schema';
import { keepRoots } from './rootFilter';
import { onlyRoots } from './rootScan';
import { filterSyncMessage } from './syncIntake';

const TEN_MB = 10 * 1024 * 1024;
const keep = (update: Uint8Array): Uint8Array => keepRoots(update, ROOTS);

/** A y-webrtc data-channel sync message carrying `update` (0: sync; 1: step 2; 2: update). */
function syncMessage(type: 1 | 2, update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint(e, type);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}

/** Hands `message` to y-protocols as y-webrtc does, after the filter. */
function receive(victim: Y.Doc, message: Uint8Array): void {
  const passed = filterSyncMessage(message, keep);
  if (!passed) return;
  const d = decoding.createDecoder(passed);
  decoding.readVarUint(d);
  syncProtocol.readSyncMessage(d, encoding.createEncoder(), victim, 'peer');
}

/** Links `from` to `victim` as a peer does: every update as a y-webrtc sync update. */
function link(from: Y.Doc, victim: Y.Doc): void {
  from.on('update', (update: Uint8Array) => receive(victim, syncMessage(2, update)));
}

describe('rootFilter: other roots than the log', () => {
  it('does not keep 10 MB a peer writes under another root; honest entries replicate', () => {
    const attacker = new Y.Doc();
    const victim = new Y.Doc();
    link(attacker, victim);
    attacker.getMap('messages').set('before', 'hello');
    attacker.getArray<string>('junk').insert(0, ['x'.repeat(TEN_MB)]);
    // Items that hang off the dropped one, in later updates: next to it, and inside a type.
    attacker.getArray<string>('junk').insert(1, ['y'.repeat(TEN_MB / 10)]);
    const nested = new Y.Array<string>();
    attacker.getArray<Y.Array<string>>('junk').push([nested]);
    nested.push(['z'.repeat(TEN_MB / 10)]);
    attacker.getText('other').insert(0, 'w'.repeat(TEN_MB / 10));
    attacker.getMap('messages').set('after', 'world');

    expect(victim.getMap('messages').toJSON()).to.deep.equal({ before: 'hello', after: 'world' });
    expect(victim.getArray('junk').length).to.equal(0);
    expect(Y.encodeStateAsUpdate(victim).byteLength).to.be.below(1024);
    expect(victim.store.pendingStructs).to.equal(null);
    // The victim has every clock of the attacker: nothing is asked for again.
    expect(Y.encodeStateVector(victim)).to.deep.equal(Y.encodeStateVector(attacker));
  });

  it('filters a whole state (sync step 2) the same way', () => {
    const attacker = new Y.Doc();
    attacker.getArray<string>('junk').insert(0, ['x'.repeat(TEN_MB)]);
    attacker.getMap('batches').set('b', 'signed');
    const victim = new Y.Doc();
    receive(victim, syncMessage(1, Y.encodeStateAsUpdate(attacker)));
    expect(victim.getMap('batches').get('b')).to.equal('signed');
    expect(Y.encodeStateAsUpdate(victim).byteLength).to.be.below(1024);
  });

  it('passes an update under the log roots through as it is', () => {
    const honest = new Y.Doc();
    honest.getMap('messages').set('a', { v: 2, m: 'hi' });
    const update = Y.encodeStateAsUpdate(honest);
    expect(keep(update)).to.equal(update);
    const message = syncMessage(2, update);
    expect(filterSyncMessage(message, keep)).to.equal(message);
  });

  it('keeps deletions in a rewritten update', () => {
    const attacker = new Y.Doc();
    attacker.getArray('junk').insert(0, ['x']);
    const map = attacker.getMap('messages');
    map.set('a', 1);
    map.set('b', 2);
    map.delete('a');
    const victim = new Y.Doc();
    Y.applyUpdate(victim, keep(Y.encodeStateAsUpdate(attacker)));
    expect(victim.getMap('messages').toJSON()).to.deep.equal({ b: 2 });
  });

  it('drops a sync message that does not decode', () => {
    expect(filterSyncMessage(syncMessage(2, new Uint8Array([1, 2, 3])), keep)).to.equal(undefined);
  });

  it('reads every kind of content without decoding it, as Yjs reads it', () => {
    const doc = new Y.Doc();
    const messages = doc.getMap<unknown>('messages');
    doc.transact(() => {
      messages.set('any', { v: 2, n: -7, f: 1.5, big: 2 ** 60, b: true, z: null, a: [1, 'two'] });
      messages.set('bytes', new Uint8Array([1, 2, 3]));
      messages.set('bigint', BigInt(12));
      const text = new Y.Text();
      messages.set('text', text);
      text.insert(0, 'héllo ✓', { bold: true });
      text.insertEmbed(3, { image: 'x' });
      const xml = new Y.XmlElement('p');
      messages.set('xml', xml);
      xml.insert(0, [new Y.XmlText('t')]);
      messages.set('hook', new Y.XmlHook('h'));
      messages.set('doc', new Y.Doc());
      const array = new Y.Array<number>();
      messages.set('array', array);
      array.push([1, 2, 3]);
    });
    messages.delete('bytes');
    doc.getMap<string>('batches').set('b', 'signed');
    const update = Y.encodeStateAsUpdate(doc);
    expect(onlyRoots(update, ROOTS)).to.equal(true);
    expect(keep(update)).to.equal(update);
    doc.getArray<string>('junk').push(['x']);
    const withJunk = Y.encodeStateAsUpdate(doc);
    expect(onlyRoots(withJunk, ROOTS)).to.equal(false);
    const victim = new Y.Doc();
    Y.applyUpdate(victim, keep(withJunk));
    expect(victim.getArray('junk').length).to.equal(0);
    expect(victim.getMap('messages').get('any')).to.deep.equal(messages.get('any'));
    // An update cut inside its structs never reads as clean (the delete set, last, is not
    // read: Yjs integrates the structs before it reads that).
    for (let end = 1; end < update.byteLength / 2; end += 7) {
      expect(onlyRoots(update.subarray(0, end), ROOTS)).to.equal(false);
    }
  });
});
