import { expect } from '@esm-bundle/chai';
import * as Y from 'yjs';
import { EntryPages, type EntryChange } from './EntryPages';
import { MESSAGES_ROOT, PAGES_ROOT } from './schema';

const made: EntryPages[] = [];
afterEach(() => {
  for (const pages of made.splice(0)) pages.destroy();
});

function pagesOf(doc: Y.Doc, pageEntries = 10, now?: () => number): EntryPages {
  const pages = new EntryPages(doc, { pageEntries, ...(now ? { now } : {}) });
  made.push(pages);
  return pages;
}

/** A 43-character key, like an entry id, and a value the size of a stored entry. */
const key = (n: number): string => `entry-${String(n).padStart(37, '0')}`;
const value = (n: number) => ({ v: 2, u: 'u'.repeat(43), t: n, c: n, m: `message ${n}` });

function write(doc: Y.Doc, pages: EntryPages, from: number, to: number): void {
  doc.transact(() => {
    for (let n = from; n < to; n += 1) pages.set(key(n), value(n));
  });
}

/** Records what a reader of `pages` is told, change by change. */
function changesOf(pages: EntryPages): EntryChange[] {
  const seen: EntryChange[] = [];
  pages.observe((changes) => seen.push(...changes));
  return seen;
}

/** Two documents that pass every update to each other at once. */
function linked(): [Y.Doc, Y.Doc] {
  const a = new Y.Doc();
  const b = new Y.Doc();
  a.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== 'link') Y.applyUpdate(b, update, 'link');
  });
  b.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== 'link') Y.applyUpdate(a, update, 'link');
  });
  return [a, b];
}

describe('EntryPages', () => {
  it('writes into pages of its own, a new one every few entries, and reads them as one map', () => {
    const doc = new Y.Doc();
    const pages = pagesOf(doc, 10);
    write(doc, pages, 0, 25);
    doc.getMap(MESSAGES_ROOT).set(key(99), value(99));
    expect(pages.size).to.equal(26);
    expect(pages.pageTotal).to.equal(3);
    expect(doc.getMap(PAGES_ROOT).size).to.equal(3);
    expect(pages.get(key(24))).to.deep.equal(value(24));
    expect(pages.get(key(99)), 'the legacy root is read too').to.deep.equal(value(99));
    expect(pages.has(key(25))).to.equal(false);
    // A new page after PAGE_MS too, however few entries the last one has.
    let now = 0;
    const timed = pagesOf(new Y.Doc(), 1000, () => now);
    timed.set(key(1), value(1));
    now = 5 * 60 * 1000;
    timed.set(key(2), value(2));
    expect(timed.pageTotal).to.equal(2);
  });

  it("tells a replica of entries that come in a page made in the same update, and of a page's end", () => {
    const [a, b] = linked();
    const writer = pagesOf(a, 10);
    const reader = pagesOf(b, 10);
    const seen = changesOf(reader);
    write(a, writer, 0, 15);
    expect(reader.size).to.equal(15);
    expect(seen.filter((c) => !c.gone).map((c) => c.id)).to.have.members(
      Array.from({ length: 15 }, (_, n) => key(n)),
    );
    seen.length = 0;
    const firstPage = [...a.getMap(PAGES_ROOT).keys()][0] as string;
    a.transact(() => a.getMap(PAGES_ROOT).delete(firstPage));
    expect(reader.size).to.equal(5);
    expect(seen).to.have.length(10);
    expect(seen.every((c) => c.gone)).to.equal(true);
  });

  it('reads an entry that stands in two pages as held until both let go, and each value', () => {
    const [a, b] = linked();
    const first = pagesOf(a, 10);
    const second = pagesOf(b, 10);
    const seen = changesOf(second);
    write(a, first, 0, 1);
    b.transact(() => second.set(key(0), { ...value(0), m: 'other' }));
    expect(second.values(key(0))).to.have.length(2);
    const pageKeys = [...a.getMap(PAGES_ROOT).keys()];
    seen.length = 0;
    a.transact(() => a.getMap(PAGES_ROOT).delete(pageKeys[0] as string));
    expect(seen).to.deep.equal([{ id: key(0), gone: false }]);
    expect(second.values(key(0))).to.have.length(1);
    seen.length = 0;
    a.transact(() => a.getMap(PAGES_ROOT).delete(pageKeys[1] as string));
    expect(seen).to.deep.equal([{ id: key(0), gone: true }]);
  });

  it('tells of every entry of a page another map replaced under the same key (attack)', () => {
    const [a, b] = linked();
    const writer = pagesOf(a, 10);
    const reader = pagesOf(b, 10);
    write(a, writer, 0, 3);
    const seen = changesOf(reader);
    const pageKey = [...b.getMap(PAGES_ROOT).keys()][0] as string;
    const impostor = new Y.Map<unknown>();
    b.transact(() => {
      b.getMap(PAGES_ROOT).set(pageKey, impostor);
      impostor.set(key(7), value(7));
    });
    expect(seen.filter((c) => c.gone).map((c) => c.id)).to.have.members([key(0), key(1), key(2)]);
    expect(seen.filter((c) => !c.gone).map((c) => c.id)).to.deep.equal([key(7)]);
    expect([...reader.keys()]).to.deep.equal([key(7)]);
  });

  it('writes into a new page when its own was deleted under it', () => {
    const [a, b] = linked();
    const writer = pagesOf(a, 10);
    const other = pagesOf(b, 10);
    write(a, writer, 0, 2);
    const pageKey = [...b.getMap(PAGES_ROOT).keys()][0] as string;
    b.transact(() => b.getMap(PAGES_ROOT).delete(pageKey));
    write(a, writer, 2, 3);
    expect(other.has(key(2))).to.equal(true);
    expect(other.size).to.equal(1);
  });

  it('moves an entry that stands in two dropped pages once', () => {
    const [a, b] = linked();
    const first = pagesOf(a, 10);
    const second = pagesOf(b, 10);
    a.transact(() => [0, 9].forEach((n) => first.set(key(n), value(n))));
    b.transact(() => [1, 9].forEach((n) => second.set(key(n), value(n))));
    const asked: string[] = [];
    a.transact(() =>
      first.dropCovered(
        (id) => id === key(0) || id === key(1),
        (id) => {
          asked.push(id);
          return first.get(id);
        },
      ),
    );
    expect(asked).to.deep.equal([key(9)]);
    expect([...first.keys()]).to.deep.equal([key(9)]);
    expect(first.values(key(9))).to.deep.equal([value(9)]);
  });

  it('drops whole pages of sealed entries, moving the others, and leaves far fewer bytes than deleting keys', () => {
    const doc = new Y.Doc();
    const pages = pagesOf(doc, 1000);
    write(doc, pages, 0, 2500);
    const full = Y.encodeStateAsUpdate(doc).byteLength;
    const covered = (id: string): boolean => id < key(1500);
    doc.transact(() => pages.dropCovered(covered, (id) => pages.get(id)));
    expect(pages.size).to.equal(1000);
    for (let n = 1500; n < 2500; n += 1) expect(pages.get(key(n))).to.deep.equal(value(n));
    expect([...pages.keys()].some(covered)).to.equal(false);
    const dropped = Y.encodeStateAsUpdate(doc).byteLength;

    // The same 1,500 entries deleted key by key from one map: each leaves its key behind.
    const keyed = new Y.Doc();
    const map = keyed.getMap(MESSAGES_ROOT);
    keyed.transact(() => {
      for (let n = 0; n < 2500; n += 1) map.set(key(n), value(n));
    });
    keyed.transact(() => {
      for (let n = 0; n < 1500; n += 1) map.delete(key(n));
    });
    const tombstones = Y.encodeStateAsUpdate(keyed).byteLength;
    // Only the 1,000 live entries, written once.
    const fresh = new Y.Doc();
    const freshMap = fresh.getMap(MESSAGES_ROOT);
    fresh.transact(() => {
      for (let n = 1500; n < 2500; n += 1) freshMap.set(key(n), value(n));
    });
    const live = Y.encodeStateAsUpdate(fresh).byteLength;
    console.log(
      `[pages] 2,500 entries ${full} B; 1,500 sealed: by pages ${dropped} B, by keys ${tombstones} B; the 1,000 live alone ${live} B`,
    );
    // Deleting keys leaves about 57 bytes per sealed entry; dropping pages, a few per page.
    expect(tombstones - live).to.be.above(1500 * 40);
    expect(dropped - live).to.be.below(1500 * 4);
  });
});
