import { expect } from '@esm-bundle/chai';
import * as Y from 'yjs';
import { Identity } from '../identity/Identity';
import { MemoryKeyStore } from '../identity/MemoryKeyStore';
import { Verifier } from '../identity/Verifier';
import { HostilePeer } from '../testkit/adversary/HostilePeer';
import { linkDocs } from '../testkit/links';
import { anyOf, until } from '../testkit/waitFor';
import { amend } from './amendments';
import { DELETE, EDIT, decodePayload, encodePayload } from './entryKinds';
import { decodeEntry } from './schema';
import { YjsEventLog } from './YjsEventLog';

const ROOM = 'room-kinds';
const verifier = new Verifier();
const made: { log: YjsEventLog; doc: Y.Doc }[] = [];

async function member(doc = new Y.Doc()): Promise<{ log: YjsEventLog; doc: Y.Doc; me: Identity }> {
  const me = await Identity.loadOrCreate(new MemoryKeyStore());
  const log = new YjsEventLog({ doc, roomId: ROOM, signer: me, verifier });
  made.push({ log, doc });
  return { log, doc, me };
}

/** What `log`'s kind entries make of its messages, by message text. */
function view(log: YjsEventLog): Record<string, string> {
  const amended = amend(log.kinds(), (id) => log.get(id));
  return Object.fromEntries(
    log.entries().map((entry) => {
      const a = amended.get(entry.id);
      const shown = a?.deleted ? '(deleted)' : a?.edited ? `${a.text ?? ''} (edited)` : '';
      return [entry.message, shown || entry.message];
    }),
  );
}

function settled(log: YjsEventLog, check: () => boolean, what: string): Promise<void> {
  return until(anyOf([(f) => log.observeKinds(f), (f) => log.observe(f)]), check, what);
}

const edit = (target: string, text: string) => encodePayload({ kind: EDIT, target, text });
const del = (target: string) => encodePayload({ kind: DELETE, target });

afterEach(() => {
  for (const { log, doc } of made.splice(0)) {
    log.destroy();
    doc.destroy();
  }
});

describe('Entry kinds: payloads', () => {
  const target = 'A'.repeat(43);
  it('reads the payload of each kind and refuses any other shape', () => {
    expect(decodePayload(EDIT, edit(target, 'new'))).to.deep.equal({
      kind: EDIT,
      target,
      text: 'new',
    });
    expect(decodePayload(DELETE, del(target))).to.deep.equal({ kind: DELETE, target });
    for (const bad of ['', 'not json', '{}', '["short"]', JSON.stringify([target, 5])]) {
      expect(decodePayload(EDIT, bad), bad).to.equal(undefined);
    }
    expect(decodePayload(EDIT, JSON.stringify([target, '  ']))).to.equal(undefined);
    expect(decodePayload(DELETE, JSON.stringify([target, 'x']))).to.equal(undefined);
    expect(decodePayload('react-later', del(target))).to.equal(undefined);
  });

  it('drops an entry of an unknown kind, or of a known kind with a bad payload', () => {
    const base = { v: 2, u: 'U'.repeat(43), t: 1, c: 1, b: 'B'.repeat(43), i: 0 };
    const id = 'I'.repeat(43);
    expect(decodeEntry(id, { ...base, m: 'x', k: 'poll' }, 100)).to.equal('unknown-kind');
    expect(decodeEntry(id, { ...base, m: 'x', k: EDIT }, 100)).to.equal('bad-shape');
    const ok = decodeEntry(id, { ...base, m: del(target), k: DELETE }, 100);
    expect(typeof ok === 'string' ? ok : ok.kind).to.equal(DELETE);
  });
});

describe('Entry kinds: edit and delete', () => {
  it('applies the author own edit (the latest wins) and delete, never in the message list', async () => {
    const { log, me } = await member();
    const first = log.append(me.userId, 'first');
    const second = log.append(me.userId, 'second');
    log.append(me.userId, edit(first, 'first, fixed'), EDIT);
    log.append(me.userId, edit(first, 'first, fixed again'), EDIT);
    log.append(me.userId, del(second), DELETE);
    await log.whenProcessed();
    expect(log.entries().map((e) => e.message)).to.deep.equal(['first', 'second']);
    expect(log.kinds()).to.have.length(3);
    expect(view(log)).to.deep.equal({
      first: 'first, fixed again (edited)',
      second: '(deleted)',
    });
  });

  it("ignores someone else's edit and delete, and a newcomer sees the same", async () => {
    const alice = await member();
    const mallory = await member();
    linkDocs([alice.doc, mallory.doc]);
    const id = alice.log.append(alice.me.userId, 'mine');
    await settled(mallory.log, () => mallory.log.get(id) !== undefined, 'message reaches mallory');
    mallory.log.append(mallory.me.userId, edit(id, 'forged'), EDIT);
    mallory.log.append(mallory.me.userId, del(id), DELETE);
    await settled(alice.log, () => alice.log.kinds().length === 2, 'forgeries reach alice');
    expect(view(alice.log)).to.deep.equal({ mine: 'mine' });

    const newcomer = await member();
    Y.applyUpdate(newcomer.doc, Y.encodeStateAsUpdate(alice.doc));
    await newcomer.log.whenProcessed();
    expect(newcomer.log.kinds()).to.have.length(2);
    expect(view(newcomer.log)).to.deep.equal({ mine: 'mine' });
  });

  it('refuses an edit that names the target author but is signed by another key', async () => {
    const alice = await member();
    const id = alice.log.append(alice.me.userId, 'mine');
    await alice.log.whenProcessed();
    const mallory = new HostilePeer(ROOM, await Identity.loadOrCreate(new MemoryKeyStore()));
    linkDocs([alice.doc, mallory.doc]);
    const at = Date.now();
    const forged = await mallory.writeBatch(
      [{ u: alice.me.userId, t: at, c: at + 1, m: edit(id, 'forged'), k: EDIT }],
      alice.me.userId,
    );
    await mallory.reaches(alice.doc, forged);
    await alice.log.whenProcessed();
    expect(alice.log.rejected()['bad-signature']).to.equal(1);
    expect(alice.log.kinds()).to.have.length(0);
    expect(view(alice.log)).to.deep.equal({ mine: 'mine' });
  });

  it('keeps a deleted message deleted whatever edit comes, in any order of arrival', async () => {
    const alice = await member();
    const id = alice.log.append(alice.me.userId, 'oops');
    alice.log.append(alice.me.userId, del(id), DELETE);
    alice.log.append(alice.me.userId, edit(id, 'back from the dead'), EDIT);
    await alice.log.whenProcessed();
    expect(view(alice.log)).to.deep.equal({ oops: '(deleted)' });
    // The same entries, folded in reverse arrival order, give the same result.
    const reversed = amend([...alice.log.kinds()].reverse(), (t) => alice.log.get(t));
    expect(reversed.get(id)).to.deep.equal({ edited: true, deleted: true });
  });

  it('does not let a kind entry amend another kind entry', async () => {
    const { log, me } = await member();
    const id = log.append(me.userId, 'text');
    const editId = log.append(me.userId, edit(id, 'changed'), EDIT);
    log.append(me.userId, del(editId), DELETE);
    await log.whenProcessed();
    const amended = amend(log.kinds(), (t) => log.get(t) ?? log.kinds().find((k) => k.id === t));
    expect(amended.get(editId)).to.equal(undefined);
    expect(amended.get(id)).to.deep.equal({ text: 'changed', edited: true, deleted: false });
  });
});
