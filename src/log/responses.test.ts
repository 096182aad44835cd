import { expect } from '@esm-bundle/chai';
import * as Y from 'yjs';
import { Identity } from '../identity/Identity';
import { MemoryKeyStore } from '../identity/MemoryKeyStore';
import { Verifier } from '../identity/Verifier';
import { HostilePeer } from '../testkit/adversary/HostilePeer';
import { linkDocs } from '../testkit/links';
import { anyOf, until } from '../testkit/waitFor';
import { REACT, REPLY, ROOM, decodePayload, encodePayload, isReaction } from './entryKinds';
import { MAX_REACTIONS_PER_USER, reactions, replies, roomProfile } from './responses';
import { YjsEventLog } from './YjsEventLog';

const ROOM_ID = 'room-responses';
const verifier = new Verifier();
const made: { log: YjsEventLog; doc: Y.Doc }[] = [];

async function member(doc = new Y.Doc()): Promise<{ log: YjsEventLog; doc: Y.Doc; me: Identity }> {
  const me = await Identity.loadOrCreate(new MemoryKeyStore());
  const log = new YjsEventLog({ doc, roomId: ROOM_ID, signer: me, verifier });
  made.push({ log, doc });
  return { log, doc, me };
}

const react = (target: string, emoji: string, on = true) =>
  encodePayload({ kind: REACT, target, emoji, on });
const reply = (message: string, target: string) => encodePayload({ kind: REPLY, message, target });
const room = (name: string, topic = '') => encodePayload({ kind: ROOM, name, topic });

/** Reactions on `log`'s messages, by message text: "emoji:count". */
function reacted(log: YjsEventLog): Record<string, string[]> {
  const folded = reactions(log.kinds(), (id) => log.get(id));
  return Object.fromEntries(
    log
      .entries()
      .map((e) => [e.message, (folded.get(e.id) ?? []).map((r) => `${r.emoji}:${r.users.length}`)]),
  );
}

function settled(log: YjsEventLog, check: () => boolean, what: string): Promise<void> {
  return until(anyOf([(f) => log.observeKinds(f), (f) => log.observe(f)]), check, what);
}

afterEach(() => {
  for (const { log, doc } of made.splice(0)) {
    log.destroy();
    doc.destroy();
  }
});

describe('Entry kinds: reactions, replies and room names', () => {
  const target = 'A'.repeat(43);
  const other = 'B'.repeat(43);

  it('reads each payload and refuses other shapes', () => {
    expect(decodePayload(REACT, react(target, '👍'))).to.deep.equal({
      kind: REACT,
      target,
      emoji: '👍',
      on: true,
    });
    expect(decodePayload(REPLY, reply(target, other))).to.deep.equal({
      kind: REPLY,
      message: target,
      target: other,
    });
    expect(decodePayload(ROOM, room('Plans', 'Trip in May'))).to.deep.equal({
      kind: ROOM,
      name: 'Plans',
      topic: 'Trip in May',
    });
    const bad: [string, string][] = [
      [REACT, JSON.stringify([target, 'hi', 1])],
      [REACT, JSON.stringify([target, '<b>', 1])],
      [REACT, JSON.stringify([target, '👍', 2])],
      [REACT, JSON.stringify([target, '👍'])],
      [REPLY, JSON.stringify([target, target])],
      [REPLY, JSON.stringify([target])],
      [ROOM, JSON.stringify(['', ''])],
      [ROOM, JSON.stringify([' padded', ''])],
      [ROOM, JSON.stringify(['two\nlines', ''])],
      [ROOM, JSON.stringify(['x'.repeat(65), ''])],
      [ROOM, JSON.stringify(['ok', 'y'.repeat(257)])],
    ];
    for (const [kind, m] of bad) expect(decodePayload(kind, m), `${kind} ${m}`).to.equal(undefined);
  });

  it('takes emoji, flags, skin tones and joined sequences as reactions, and nothing else', () => {
    for (const ok of ['👍', '❤️', '🇫🇷', '👍🏽', '👩‍👩‍👧', '#️⃣', '🎉']) {
      expect(isReaction(ok), ok).to.equal(true);
    }
    for (const no of ['', 'a', '1', ' 👍', 'ok👍', '<img>', '👍'.repeat(17)]) {
      expect(isReaction(no), no).to.equal(false);
    }
  });

  it('counts reactions per user, the latest of each standing, in any order of arrival', async () => {
    const { log, me } = await member();
    const id = log.append(me.userId, 'hello');
    log.append(me.userId, react(id, '👍'), REACT);
    log.append(me.userId, react(id, '🎉'), REACT);
    log.append(me.userId, react(id, '👍', false), REACT);
    await log.whenProcessed();
    expect(reacted(log)).to.deep.equal({ hello: ['🎉:1'] });
    const reversed = reactions([...log.kinds()].reverse(), (t) => log.get(t));
    expect(reversed.get(id)).to.deep.equal([{ emoji: '🎉', users: [me.userId] }]);
  });

  it('shows a reaction under the name of its signer only, and a newcomer sees the same', async () => {
    const alice = await member();
    const bob = await member();
    linkDocs([alice.doc, bob.doc]);
    const id = alice.log.append(alice.me.userId, 'lunch?');
    await settled(bob.log, () => bob.log.get(id) !== undefined, 'message reaches bob');
    bob.log.append(bob.me.userId, react(id, '👍'), REACT);
    alice.log.append(alice.me.userId, react(id, '👍'), REACT);
    await settled(alice.log, () => alice.log.kinds().length === 2, 'both reactions');
    const users = reactions(alice.log.kinds(), (t) => alice.log.get(t)).get(id)?.[0]?.users;
    expect(new Set(users)).to.deep.equal(new Set([alice.me.userId, bob.me.userId]));

    const newcomer = await member();
    Y.applyUpdate(newcomer.doc, Y.encodeStateAsUpdate(alice.doc));
    await newcomer.log.whenProcessed();
    expect(reacted(newcomer.log)).to.deep.equal({ 'lunch?': ['👍:2'] });
  });

  it('refuses a reaction that names another user but is signed by another key', async () => {
    const alice = await member();
    const id = alice.log.append(alice.me.userId, 'mine');
    await alice.log.whenProcessed();
    const mallory = new HostilePeer(ROOM_ID, await Identity.loadOrCreate(new MemoryKeyStore()));
    linkDocs([alice.doc, mallory.doc]);
    const at = Date.now();
    const forged = await mallory.writeBatch(
      [{ u: alice.me.userId, t: at, c: at + 1, m: react(id, '💩'), k: REACT }],
      alice.me.userId,
    );
    await mallory.reaches(alice.doc, forged);
    await alice.log.whenProcessed();
    expect(alice.log.rejected()['bad-signature']).to.equal(1);
    expect(reacted(alice.log)).to.deep.equal({ mine: [] });
  });

  it(`shows at most ${String(MAX_REACTIONS_PER_USER)} distinct reactions of one user on one message`, async () => {
    const { log, me } = await member();
    const id = log.append(me.userId, 'spam target');
    const emoji = [
      '😀',
      '😁',
      '😂',
      '🤣',
      '😃',
      '😄',
      '😅',
      '😆',
      '😉',
      '😊',
      '😋',
      '😎',
      '😍',
      '😘',
    ];
    for (const e of emoji) log.append(me.userId, react(id, e), REACT);
    await log.whenProcessed();
    const shown = reactions(log.kinds(), (t) => log.get(t)).get(id) ?? [];
    expect(shown.map((r) => r.emoji)).to.deep.equal(emoji.slice(0, MAX_REACTIONS_PER_USER));
  });

  it("links a reply only by its own author, never someone else's message", async () => {
    const alice = await member();
    const mallory = await member();
    linkDocs([alice.doc, mallory.doc]);
    const question = alice.log.append(alice.me.userId, 'question');
    const answer = alice.log.append(alice.me.userId, 'answer');
    alice.log.append(alice.me.userId, reply(answer, question), REPLY);
    const unrelated = alice.log.append(alice.me.userId, 'unrelated');
    await settled(mallory.log, () => mallory.log.get(unrelated) !== undefined, 'reaches mallory');
    // Mallory tries to make Alice's "unrelated" look like a reply to "question", and to move
    // Alice's answer elsewhere: neither counts.
    mallory.log.append(mallory.me.userId, reply(unrelated, question), REPLY);
    mallory.log.append(mallory.me.userId, reply(answer, unrelated), REPLY);
    await settled(alice.log, () => alice.log.kinds().length === 3, 'all links reach alice');
    const links = replies(alice.log.kinds(), (t) => alice.log.get(t));
    expect([...links]).to.deep.equal([[answer, question]]);
  });

  it('names the room by the latest room entry of any member, and says who', async () => {
    const alice = await member();
    const bob = await member();
    linkDocs([alice.doc, bob.doc]);
    alice.log.append(alice.me.userId, room('Trip', 'May'), ROOM);
    await settled(bob.log, () => bob.log.kinds().length === 1, 'name reaches bob');
    bob.log.append(bob.me.userId, room('Trip to Lyon', 'May 3-7'), ROOM);
    await settled(alice.log, () => alice.log.kinds().length === 2, 'rename reaches alice');
    const profile = roomProfile(alice.log.kinds());
    expect(profile?.name).to.equal('Trip to Lyon');
    expect(profile?.topic).to.equal('May 3-7');
    expect(profile?.by).to.equal(bob.me.userId);
    expect(roomProfile([...alice.log.kinds()].reverse())).to.deep.equal(profile);
  });
});
