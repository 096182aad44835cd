import { expect } from '@esm-bundle/chai';
import { makeEvent } from '../hub/events';
import type { SignedEntry } from '../log/schema';
import { sealSegment } from '../log/Segment';
import { openKeptSegment } from '../log/SegmentOpen';
import type { YjsEventLog } from '../log/YjsEventLog';
import { twoAuthors } from '../testkit/log/twoAuthors';
import { ChatStorage } from './ChatStorage';
import { compareKeys, storedRecord, type HistoryCursor, type HistoryPage } from './EventStore';
import { SealedPages } from './SealedPages';
import { MemorySegmentStore } from './SegmentStore';

const ROOM = 'sealed-pages-room';

/** 300 verified messages of two authors, and the segment store keeping the oldest 200 in two. */
async function sealedRoom(): Promise<{ entries: SignedEntry[]; store: MemorySegmentStore }> {
  const logs = await twoAuthors(ROOM, 150);
  const log = logs[0] as YjsEventLog;
  const entries = log.entries() as SignedEntry[];
  const store = new MemorySegmentStore();
  for (const part of [entries.slice(0, 100), entries.slice(100, 200)]) {
    await store.put(
      ROOM,
      sealSegment(ROOM, part, (id) => log.batchRecord(id)),
    );
  }
  for (const l of logs) l.destroy();
  return { entries, store };
}

/** Every page, newest first, until none is older. */
async function allPages(
  page: (before?: HistoryCursor) => Promise<HistoryPage>,
): Promise<HistoryPage[]> {
  const pages: HistoryPage[] = [];
  let before: HistoryCursor | undefined;
  do {
    const next = await page(before);
    pages.unshift(next);
    before = next.older;
  } while (before);
  return pages;
}

describe('SealedPages', () => {
  it('pages sealed messages from kept segments, signed, opening each segment once', async () => {
    const { entries, store } = await sealedRoom();
    let opens = 0;
    const pages = new SealedPages(store, (roomId, id, bytes) => {
      opens += 1;
      return openKeptSegment(roomId, id, bytes);
    });
    const newest = await pages.page(ROOM, 30);
    expect(newest.events.map((s) => s.event.message)).to.deep.equal(
      entries.slice(170, 200).map((e) => e.message),
    );
    expect(opens, 'only the newest segment').to.equal(1);
    const all = (await allPages((before) => pages.page(ROOM, 30, before))).flatMap((p) => p.events);
    expect(all.map((s) => s.event.id)).to.deep.equal(entries.slice(0, 200).map((e) => e.id));
    expect(all.every((s) => s.signed === true && s.event.type === 'message')).to.equal(true);
    expect(all[0]?.order).to.equal(entries[0]?.clock);
    expect(all[0]?.event.userId).to.equal(entries[0]?.userId);
    expect(opens, 'each once').to.equal(2);
    // Between a key and another: what a caller holding a full page down to `after` needs.
    const after = { order: entries[180]?.clock ?? 0, id: entries[180]?.id ?? '' };
    const between = await pages.page(ROOM, 30, undefined, after);
    expect(between.events.map((s) => s.event.id)).to.deep.equal(
      entries.slice(181, 200).map((e) => e.id),
    );
    expect(between.older).to.equal(undefined);
  });

  it('applies the edits and deletions recorded for sealed messages', async () => {
    const { entries, store } = await sealedRoom();
    const [gone, edited] = [entries[198] as SignedEntry, entries[199] as SignedEntry];
    await store.amend(ROOM, [
      [gone.id, undefined],
      [edited.id, 'said better'],
    ]);
    const page = await new SealedPages(store).page(ROOM, 3);
    expect(page.events.map((s) => s.event.message)).to.deep.equal([
      entries[197]?.message,
      undefined,
      'said better',
    ]);
  });

  it('skips a kept segment whose bytes are not it, and pages the others', async () => {
    const { entries, store } = await sealedRoom();
    const [older] = await store.list(ROOM);
    const bytes = (await store.get(ROOM, older?.id ?? '')) as Uint8Array;
    bytes[bytes.length - 5] = (bytes[bytes.length - 5] ?? 0) ^ 1;
    const all = await allPages((before) => new SealedPages(store).page(ROOM, 50, before));
    expect(all.flatMap((p) => p.events).map((s) => s.event.id)).to.deep.equal(
      entries.slice(100, 200).map((e) => e.id),
    );
    expect(all.reduce((sum, p) => sum + p.skipped, 0)).to.equal(100);
  });
});

describe('ChatStorage pages with sealed history', () => {
  const name = `meshchat-sealed-pages-${Date.now()}`;
  afterEach(() => indexedDB.deleteDatabase(name));

  it('merges stored records and kept segments into one history, each message once', async () => {
    const { entries, store } = await sealedRoom();
    let opens = 0;
    const segments = new MemorySegmentStore();
    for (const info of await store.list(ROOM)) {
      const bytes = (await store.get(ROOM, info.id)) as Uint8Array<ArrayBuffer>;
      await segments.put(ROOM, { ...info, bytes });
    }
    const get = segments.get.bind(segments);
    segments.get = (roomId, id) => {
      opens += 1;
      return get(roomId, id);
    };
    const storage = await ChatStorage.open({ databaseName: name, segments });
    try {
      // Stored records: the newest 120 messages (20 of them sealed too) and a join notice
      // among the sealed ones.
      const record = (e: SignedEntry) =>
        storedRecord(
          e.clock,
          makeEvent({
            id: e.id,
            chatroomId: ROOM,
            type: 'message',
            userId: e.userId,
            message: e.message,
            unixTime: e.unixTime,
          }),
          true,
        );
      const joinedAt = entries[50] as SignedEntry;
      const join = makeEvent({
        id: 'join-1',
        chatroomId: ROOM,
        type: 'join',
        userId: 'u',
        sessionId: 's',
        unixTime: 1,
      });
      await storage.events.put([
        ...entries.slice(180).map(record),
        storedRecord(joinedAt.clock, join, false),
      ]);

      const newest = await storage.page(ROOM, 40);
      expect(newest.events.map((s) => s.event.id)).to.deep.equal(
        entries.slice(260).map((e) => e.id),
      );
      expect(opens, 'a page of stored records reads no segment').to.equal(0);

      const all = (await allPages((before) => storage.page(ROOM, 40, before))).flatMap(
        (p) => p.events,
      );
      const expected = [
        ...entries.map((e): [number, string] => [e.clock, e.id]),
        [joinedAt.clock, 'join-1'] as [number, string],
      ]
        .sort(([a, x], [b, y]) => compareKeys(a, x, b, y))
        .map(([, id]) => id);
      expect(all.map((s) => s.event.id)).to.deep.equal(expected);

      const exported = (await storage.exportRoom(ROOM)).trim().split('\n');
      expect(exported, 'a header line and every event').to.have.length(302);
      expect(exported[1]).to.contain(entries[0]?.id);
    } finally {
      storage.destroy();
    }
  });
});
