import { expect } from '@esm-bundle/chai';
import * as Y from 'yjs';
import { MemorySegmentStore } from '../storage/SegmentStore';
import { ROOM, destroyTabs, heldIn, sealedWithReaction, tab, write } from '../testkit/log/sealTabs';
import { REACT } from './entryKinds';
import { SEALS_ROOT, type SignedEntry } from './schema';
import { makePreview, readPreview } from './Preview';
import { SEGMENT_FETCHES } from './SegmentFetch';

afterEach(destroyTabs);

describe("Fetching a room's sealed segments", () => {
  it('keeps a fetched segment to read its messages from, not memory, and its reactions in the log', async () => {
    const { alice } = await sealedWithReaction('👍');
    const id = (await alice.seals.sealDue()) as string;
    const shelved: string[] = [];
    const fetch = (wanted: string): Promise<Uint8Array> => heldIn(alice.store, wanted);
    const history = {
      kept: (messages: readonly SignedEntry[]) => shelved.push(...messages.map((m) => m.message)),
    };
    const carol = await tab({ fetch, history });
    Y.applyUpdate(carol.doc, Y.encodeStateAsUpdate(alice.doc));
    await carol.log.whenProcessed();
    expect(await carol.seals.fetchMissing()).to.equal(1);
    await carol.log.whenProcessed();
    expect(shelved, 'the sealed messages, told of').to.have.length(9);
    expect(carol.log.entries(), 'memory holds the live ones').to.have.length(15);
    expect(carol.log.kinds().map((k) => k.kind)).to.deep.equal([REACT]);
    expect(carol.seals.checkedCount).to.equal(1);
    expect(await carol.store.get(ROOM, id), 'kept, to read and serve it').to.not.equal(undefined);

    // Storage failing: nothing is lost, the messages stay in memory.
    const full = new MemorySegmentStore();
    full.put = () => Promise.reject(new Error('full'));
    const dave = await tab({ fetch, history, store: full });
    Y.applyUpdate(dave.doc, Y.encodeStateAsUpdate(alice.doc));
    expect(await dave.seals.fetchMissing()).to.equal(1);
    await dave.log.whenProcessed();
    expect(dave.log.entries()).to.have.length(24);
    expect(shelved, 'nothing more told of').to.have.length(9);
  });

  it('takes deletions of the sealed entries it lists once it keeps their fetched segment', async () => {
    const alice = await tab({ liveLimit: 5, sealSize: 10 });
    const fetch = (wanted: string): Promise<Uint8Array> => heldIn(alice.store, wanted);
    const carol = await tab({ fetch, history: { kept: () => undefined } });
    await write(alice.log, alice.userId, 4);
    Y.applyUpdate(carol.doc, Y.encodeStateAsUpdate(alice.doc));
    await carol.log.whenProcessed();
    const listed = carol.log.entries().map((entry) => entry.id);
    expect(listed).to.have.length(4);
    await write(alice.log, alice.userId, 20);
    await alice.seals.sealDue();
    Y.applyUpdate(carol.doc, Y.encodeStateAsUpdate(alice.doc));
    await carol.log.whenProcessed();
    // Four of the seal's ten entries: not enough to check it, so its deletions are not taken.
    expect(listed.some((id) => carol.seals.coversEntry(id))).to.equal(false);
    expect(await carol.seals.fetchMissing()).to.equal(1);
    expect(listed.every((id) => carol.seals.coversEntry(id))).to.equal(true);
  });

  it("names the room's seals in a preview, and reads only well-formed ones back", async () => {
    const { alice } = await sealedWithReaction('👍');
    const id = (await alice.seals.sealDue()) as string;
    const reader = await tab();
    const named: string[] = [];
    readPreview(reader.log, makePreview(alice.log, alice.doc) as Uint8Array, (records) =>
      named.push(...records.map(([key]) => key)),
    );
    expect(named).to.deep.equal([id]);
    const body = { v: 2, e: [], b: [], s: [['not a content key', {}], 'junk', [id, { v: 1 }]] };
    readPreview(reader.log, new TextEncoder().encode(JSON.stringify(body)), (records) =>
      named.push(...records.map(([key]) => key)),
    );
    // The one with a content key is handed on: hint() checks the record itself.
    expect(named).to.deep.equal([id, id]);
    expect(await reader.seals.hint([[id, { v: 1 }]])).to.equal(0);
  });

  it("fetches segments a peer's preview names before the document arrives, each checked", async () => {
    const { alice } = await sealedWithReaction('👍');
    const id = (await alice.seals.sealDue()) as string;
    const asked: string[] = [];
    const fetch = async (wanted: string): Promise<Uint8Array> => {
      asked.push(wanted);
      return heldIn(alice.store, wanted);
    };
    const records = [...alice.doc.getMap(SEALS_ROOT)];
    const shelved: string[] = [];
    const history = { kept: (m: readonly SignedEntry[]) => shelved.push(...m.map((e) => e.id)) };

    // Carol keeps history: the segment is kept and told of, before any document update.
    const carol = await tab({ fetch, history });
    const bogus = 'C'.repeat(43);
    expect(await carol.seals.hint([...records, [bogus, records[0]?.[1]]])).to.equal(1);
    expect(shelved).to.have.length(9);
    expect(carol.seals.checkedCount).to.equal(1);
    expect(asked).to.deep.equal([id, bogus]);
    // Kept on a hint only, it covers nothing: a deletion of its entries is not taken yet.
    expect(carol.seals.coversEntry(shelved[0] as string)).to.equal(false);
    Y.applyUpdate(carol.doc, Y.encodeStateAsUpdate(alice.doc));
    await carol.log.whenProcessed();
    expect(await carol.seals.fetchMissing()).to.equal(0);
    expect(asked, 'neither asked again: one kept, one no peer had').to.have.length(2);
    expect(carol.seals.checkedCount).to.equal(1);
    expect(carol.log.entries()).to.have.length(15);

    // Dave keeps no history: the entries go to memory, and the seal checks once it comes.
    const dave = await tab({ fetch });
    expect(await dave.seals.hint(records)).to.equal(1);
    expect(dave.log.entries()).to.have.length(9);
    expect(dave.seals.coversEntry(dave.log.entries()[0]?.id as string)).to.equal(false);
    Y.applyUpdate(dave.doc, Y.encodeStateAsUpdate(alice.doc));
    await dave.log.whenProcessed();
    expect(dave.log.entries()).to.have.length(24);
    expect(dave.seals.coversEntry(dave.log.entries()[0]?.id as string)).to.equal(true);
  });

  it('looks again for segments named while a fetch was running', async () => {
    const alice = await tab({ liveLimit: 5, sealSize: 10 });
    await write(alice.log, alice.userId, 25);
    await alice.seals.sealDue();
    const [first] = [...alice.doc.getMap(SEALS_ROOT)];
    await alice.seals.sealDue();
    const second = [...alice.doc.getMap(SEALS_ROOT)].find(([id]) => id !== first?.[0]);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const asked: string[] = [];
    const fetch = async (wanted: string): Promise<Uint8Array> => {
      asked.push(wanted);
      await gate;
      return heldIn(alice.store, wanted);
    };
    const carol = await tab({ fetch });
    const run = carol.seals.hint([first as [string, unknown]]);
    while (asked.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    // Named while the first is on its way: taken by the same run, not left for a later call.
    void carol.seals.hint([second as [string, unknown]]);
    release();
    expect(await run).to.equal(2);
    expect(asked).to.have.members([first?.[0], second?.[0]]);
    await carol.log.whenProcessed();
    expect(carol.log.entries(), 'both segments, in memory without storage').to.have.length(20);
  });

  it('takes a segment from anyone, whole and under its own id only', async () => {
    const alice = await tab({ liveLimit: 5, sealSize: 10 });
    await write(alice.log, alice.userId, 25);
    const id = (await alice.seals.sealDue()) as string;
    const bytes = (await alice.store.get(ROOM, id)) as Uint8Array<ArrayBuffer>;

    const carol = await tab();
    Y.applyUpdate(carol.doc, Y.encodeStateAsUpdate(alice.doc));
    await carol.log.whenProcessed();
    expect(carol.log.entries()).to.have.length(15);
    expect(await carol.seals.take('B'.repeat(43), bytes), 'another id').to.equal(false);
    const tampered = bytes.slice();
    tampered[tampered.length - 10] = (tampered[tampered.length - 10] ?? 0) ^ 1;
    expect(await carol.seals.take(id, tampered), 'tampered bytes').to.equal(false);
    expect(await carol.seals.take(id, bytes)).to.equal(true);
    await carol.log.whenProcessed();
    expect(carol.log.entries()).to.have.length(25);
    expect(carol.seals.coversEntry(alice.log.entries()[0]?.id as string)).to.equal(true);
  });

  it('gets its segment opener ready only when a segment is to be fetched', async () => {
    const alice = await tab({ liveLimit: 5, sealSize: 10 });
    await write(alice.log, alice.userId, 25);
    await alice.seals.sealDue();
    let warmed = 0;
    const carol = await tab({
      fetch: () => Promise.reject(new Error('no peer has it')),
      opener: { open: () => Promise.reject(new Error('nothing came')), warm: () => (warmed += 1) },
    });
    expect(await carol.seals.fetchMissing()).to.equal(0);
    expect(warmed, 'no seal yet').to.equal(0);
    Y.applyUpdate(carol.doc, Y.encodeStateAsUpdate(alice.doc));
    await carol.log.whenProcessed();
    expect(await carol.seals.fetchMissing()).to.equal(0);
    expect(warmed, 'a segment to fetch').to.equal(1);
    expect(await carol.seals.fetchMissing()).to.equal(0);
    expect(warmed, 'asked a moment ago: not fetched again yet').to.equal(1);
  });

  it('fetches the segments it cannot check from peers, and refuses bytes under another id', async () => {
    const alice = await tab({ liveLimit: 5, sealSize: 10 });
    await write(alice.log, alice.userId, 25);
    const id = (await alice.seals.sealDue()) as string;
    const asked: string[] = [];
    let serve = (wanted: string): Promise<Uint8Array> => heldIn(alice.store, wanted);
    const carol = await tab({
      fetch: (wanted) => {
        asked.push(wanted);
        return serve(wanted);
      },
    });
    Y.applyUpdate(carol.doc, Y.encodeStateAsUpdate(alice.doc));
    await carol.log.whenProcessed();
    expect(carol.log.entries()).to.have.length(15);

    // A peer that answers with other bytes: refused, and not asked again at once.
    const other = (await alice.store.get(ROOM, id))?.slice().reverse() as Uint8Array;
    const honest = serve;
    serve = () => Promise.resolve(other);
    expect(await carol.seals.fetchMissing()).to.equal(0);
    expect(await carol.seals.fetchMissing(), 'asked again only later').to.equal(0);
    expect(asked).to.deep.equal([id]);
    expect(carol.log.entries()).to.have.length(15);

    const dave = await tab({ fetch: (wanted) => honest(wanted) });
    Y.applyUpdate(dave.doc, Y.encodeStateAsUpdate(alice.doc));
    expect(await dave.seals.fetchMissing()).to.equal(1);
    await dave.log.whenProcessed();
    expect(dave.log.entries()).to.have.length(25);
    expect(await dave.store.get(ROOM, id), 'kept, to serve it on').to.not.equal(undefined);
  });

  it('fetches several segments side by side, the newest first', async () => {
    const alice = await tab({ liveLimit: 5, sealSize: 5 });
    const count = SEGMENT_FETCHES + 2;
    await write(alice.log, alice.userId, 5 * count + 5);
    const sealed: string[] = [];
    for (let id = await alice.seals.sealDue(); id; id = await alice.seals.sealDue())
      sealed.push(id);
    expect(sealed).to.have.length(count);
    const asked: string[] = [];
    let inFlight = 0;
    let most = 0;
    let allAsked = (): void => undefined;
    const together = new Promise<void>((resolve) => (allAsked = resolve));
    const carol = await tab({
      fetch: async (wanted) => {
        asked.push(wanted);
        inFlight += 1;
        most = Math.max(most, inFlight);
        if (asked.length === SEGMENT_FETCHES) allAsked();
        // Nothing arrives until as many as fetch side by side are asked for.
        await together;
        inFlight -= 1;
        return heldIn(alice.store, wanted);
      },
    });
    Y.applyUpdate(carol.doc, Y.encodeStateAsUpdate(alice.doc));
    expect(await carol.seals.fetchMissing()).to.equal(count);
    expect(most).to.equal(SEGMENT_FETCHES);
    expect(asked).to.deep.equal([...sealed].reverse());
    await carol.log.whenProcessed();
    expect(carol.log.entries()).to.have.length(5 * count + 5);
  });
});
