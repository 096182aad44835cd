import { expect } from '@esm-bundle/chai';
import * as Y from 'yjs';
import { entriesReach } from '../hub/eventLogContract';
import { Identity } from '../identity/Identity';
import { MemoryKeyStore } from '../identity/MemoryKeyStore';
import { Verifier } from '../identity/Verifier';
import { HostilePeer } from '../testkit/adversary/HostilePeer';
import { linkDocs } from '../testkit/links';
import { MAX_LEAD_MS } from './FutureHold';
import { MAX_TIME } from './schema';
import { YjsEventLog } from './YjsEventLog';

const ROOM = 'room-times';
const YEAR_2100 = Date.UTC(2100, 0, 1);

interface Scene {
  reader: YjsEventLog;
  mallory: HostilePeer;
  clock: { now: number };
  done: () => void;
}

/** A reader on a clock the test moves, linked to an adversary that writes what it likes. */
async function scene(): Promise<Scene> {
  const clock = { now: Date.now() };
  const doc = new Y.Doc();
  const reader = new YjsEventLog({
    doc,
    roomId: ROOM,
    signer: await Identity.loadOrCreate(new MemoryKeyStore()),
    verifier: new Verifier(),
    now: () => clock.now,
  });
  const mallory = new HostilePeer(ROOM, await Identity.loadOrCreate(new MemoryKeyStore()));
  linkDocs([doc, mallory.doc]);
  return {
    reader,
    mallory,
    clock,
    done: () => {
      reader.destroy();
      doc.destroy();
    },
  };
}

/** Writes `drafts` as the adversary, then a marker entry, and waits for the marker. */
async function writeThenMarker(
  s: Scene,
  drafts: { t: number; c: number; m: string }[],
): Promise<void> {
  const u = s.mallory.signer.userId;
  await s.mallory.writeBatch(drafts.map((d) => ({ ...d, u })));
  const now = s.clock.now;
  await s.mallory.writeBatch([{ u, t: now, c: now, m: 'marker' }]);
  await entriesReach(s.reader, 1);
  await s.reader.whenProcessed();
}

const texts = (log: YjsEventLog): string[] => log.entries().map((e) => e.message);

describe('Order keys and times, bounded when received', () => {
  let s: Scene;
  beforeEach(async () => (s = await scene()));
  afterEach(() => s.done());

  it('turns away c = 2^53-1 and a t beyond the range of Date', async () => {
    const now = s.clock.now;
    await writeThenMarker(s, [
      { t: now, c: Number.MAX_SAFE_INTEGER, m: 'last forever' },
      { t: 9e15, c: 9e15, m: 'beyond Date' },
    ]);
    expect(texts(s.reader)).to.deep.equal(['marker']);
    expect(s.reader.rejected()).to.deep.equal({ 'bad-shape': 2 });
  });

  it('holds an entry dated in 2100 (or with the last c Date holds) until its time', async () => {
    const now = s.clock.now;
    await writeThenMarker(s, [
      { t: YEAR_2100, c: YEAR_2100, m: 'from 2100' },
      { t: now, c: MAX_TIME, m: 'last until year 275760' },
    ]);
    expect(texts(s.reader)).to.deep.equal(['marker']);
    expect(s.reader.heldCount()).to.equal(2);
    // Nothing shown is dated past the reader's clock by more than the allowed lead.
    for (const e of s.reader.entries()) expect(e.unixTime).to.be.at.most(now + MAX_LEAD_MS);
    s.clock.now = YEAR_2100;
    s.reader.releaseDue();
    expect(texts(s.reader)).to.deep.equal(['marker', 'from 2100']);
    expect(s.reader.heldCount()).to.equal(1);
  });

  it('turns away an order key below its own wall clock (a tiny c)', async () => {
    const now = s.clock.now;
    await writeThenMarker(s, [{ t: now, c: 1, m: 'planted first' }]);
    expect(texts(s.reader)).to.deep.equal(['marker']);
    expect(s.reader.rejected()).to.deep.equal({ 'bad-time': 1 });
  });

  it('shows a backdated entry with the date it claims, never among today’s messages', async () => {
    const now = s.clock.now;
    await writeThenMarker(s, [{ t: 1, c: 1, m: 'from 1970' }]);
    const [old, marker] = s.reader.entries();
    expect(old?.message).to.equal('from 1970');
    expect(old?.unixTime).to.equal(1);
    expect(marker?.unixTime).to.equal(now);
  });

  it('shows an entry within the allowed lead at once', async () => {
    const ahead = s.clock.now + MAX_LEAD_MS - 1000;
    await writeThenMarker(s, [{ t: ahead, c: ahead, m: 'a skewed clock' }]);
    expect(texts(s.reader)).to.deep.equal(['marker', 'a skewed clock']);
  });
});
