import { expect } from '@esm-bundle/chai';
import { sha256 } from '@noble/hashes/sha2.js';
import { encodeBase64url } from '../identity/base64url';
import { Verifier } from '../identity/Verifier';
import { SegmentError, sealSegment } from './Segment';
import { openSegment } from './SegmentOpen';
import type { YjsEventLog } from './YjsEventLog';
import { twoAuthors } from '../testkit/log/twoAuthors';
import { Identity } from '../identity/Identity';
import { MemoryKeyStore } from '../identity/MemoryKeyStore';
import { signBatchV2, type ForgedDraft } from '../testkit/adversary/forgery';
import { decodeEntry, type SignedEntry } from './schema';

const ROOM = 'segment-room';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A log with `count` messages from each of two authors, all verified. */
function history(count: number): Promise<YjsEventLog[]> {
  return twoAuthors(ROOM, count);
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SegmentError) return error.reason;
    throw error;
  }
  return 'accepted';
}

/** The segment's JSON body, changed by `edit`, as bytes with their own (matching) id. */
function rewritten(bytes: Uint8Array, edit: (body: Record<string, unknown>) => void) {
  const body = JSON.parse(decoder.decode(bytes)) as Record<string, unknown>;
  edit(body);
  const changed = encoder.encode(JSON.stringify(body));
  return { id: encodeBase64url(sha256(changed)), bytes: changed };
}

describe('Segment', () => {
  it('seals entries canonically and opens them back, verified, in converged order', async () => {
    const [log] = await history(30);
    if (!log) throw new Error('no log');
    const entries = log.entries();
    expect(entries).to.have.length(60);
    const sealed = sealSegment(ROOM, entries, (id) => log.batchRecord(id));
    // The same entries in another order seal to the same bytes and id.
    const again = sealSegment(ROOM, [...entries].reverse(), (id) => log.batchRecord(id));
    expect(again.id).to.equal(sealed.id);
    expect(sealed.count).to.equal(60);
    expect(sealed.first.id).to.equal(entries[0]?.id);
    // Rows carry no entry ids, authors or batch ids: the batch records say them once.
    const body = JSON.parse(decoder.decode(sealed.bytes)) as { e: unknown[] };
    const rows = JSON.stringify(body.e);
    expect(entries.some((entry) => rows.includes(entry.id) || rows.includes(entry.batch))).to.equal(
      false,
    );
    expect(rows.includes(entries[0]?.userId ?? '?')).to.equal(false);
    const opened = await openSegment(ROOM, sealed.id, sealed.bytes, new Verifier());
    expect(opened.map((e) => e.id)).to.deep.equal(entries.map((e) => e.id));
    expect(opened.map((e) => e.message)).to.deep.equal(entries.map((e) => e.message));
  });

  it('refuses other bytes under an id, another room, altered text, a missing batch, bad order', async () => {
    const [log] = await history(5);
    if (!log) throw new Error('no log');
    const sealed = sealSegment(ROOM, log.entries(), (id) => log.batchRecord(id));
    const verifier = new Verifier();
    const flipped = sealed.bytes.slice();
    flipped[20] = (flipped[20] ?? 0) ^ 1;
    expect(await refusal(openSegment(ROOM, sealed.id, flipped, verifier))).to.equal(
      'bytes do not hash to the id',
    );
    expect(await refusal(openSegment('other-room', sealed.id, sealed.bytes, verifier))).to.equal(
      'another room',
    );
    const altered = rewritten(sealed.bytes, (body) => {
      const first = (body.e as unknown[][])[0];
      if (first) first[4] = 'words never written';
    });
    // The row's hash goes into its batch's hashes, which the signature no longer covers.
    expect(await refusal(openSegment(ROOM, altered.id, altered.bytes, verifier))).to.match(
      /^batch .*: unsigned$/,
    );
    // Ann's words put in Ben's name: the row points at the other author's batch, at a place
    // one of Ben's entries holds.
    const misnamed = rewritten(sealed.bytes, (body) => {
      const rows = body.e as unknown[][];
      const first = rows[0];
      const other = rows.find((row) => row[0] !== first?.[0]);
      if (first && other) first[0] = other[0];
    });
    expect(await refusal(openSegment(ROOM, misnamed.id, misnamed.bytes, verifier))).to.equal(
      'entry shape',
    );
    const forged = rewritten(sealed.bytes, (body) => {
      const record = (body.b as [string, Record<string, string>][])[0];
      if (record) record[1].g = record[1].g?.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) ?? '';
    });
    expect(await refusal(openSegment(ROOM, forged.id, forged.bytes, verifier))).to.match(
      /^batch .*: unsigned$/,
    );
    const unbatched = rewritten(sealed.bytes, (body) => {
      body.b = [];
    });
    expect(await refusal(openSegment(ROOM, unbatched.id, unbatched.bytes, verifier))).to.equal(
      'entry shape',
    );
    const reordered = rewritten(sealed.bytes, (body) => {
      (body.e as unknown[]).reverse();
    });
    expect(await refusal(openSegment(ROOM, reordered.id, reordered.bytes, verifier))).to.equal(
      'order',
    );
    expect(() => sealSegment(ROOM, log.entries(), () => undefined)).to.throw(SegmentError);
  });

  it('leaves out the hashes of the entries it holds; a batch it holds in part keeps the rest', async () => {
    const [ann, ben] = await history(20);
    if (!ann || !ben) throw new Error('no log');
    const verifier = new Verifier();
    const whole = sealSegment(ROOM, ann.entries(), (id) => ann.batchRecord(id));
    const body = JSON.parse(decoder.decode(whole.bytes)) as {
      v: number;
      b: [string, { h: string; n: number }][];
    };
    expect(body.v).to.equal(3);
    // Every entry of every batch is in the segment: no hash travels.
    expect(body.b.map(([, record]) => record.h)).to.deep.equal(body.b.map(() => ''));
    expect(body.b.reduce((sum, [, record]) => sum + record.n, 0)).to.equal(40);
    const part = ann.entries().filter((_, at) => at % 3 === 0);
    const partial = sealSegment(ROOM, part, (id) => ann.batchRecord(id));
    const opened = await openSegment(ROOM, partial.id, partial.bytes, verifier);
    expect(opened.map((e) => e.id)).to.deep.equal(part.map((e) => e.id));
    // The hashes of the entries left out are the ones signed: one of them changed, no batch.
    const changedRest = rewritten(partial.bytes, (edit) => {
      const record = (edit.b as [string, Record<string, string>][]).find(([, r]) => r.h !== '');
      if (record) record[1].h = record[1].h?.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) ?? '';
    });
    expect(await refusal(openSegment(ROOM, changedRest.id, changedRest.bytes, verifier))).to.match(
      /^batch .*: unsigned$/,
    );
    // Two rows at one place of a batch: one of them is not that entry.
    const twice = rewritten(whole.bytes, (edit) => {
      const rows = edit.e as unknown[][];
      const second = rows.find((row, at) => rows.findIndex((r) => r[0] === row[0]) < at);
      const first = rows.find((row) => row[0] === second?.[0]);
      if (!first || !second) throw new Error('no batch with two entries');
      second[1] = first[1];
    });
    expect(await refusal(openSegment(ROOM, twice.id, twice.bytes, verifier))).to.equal(
      'entry shape',
    );
    // Hashes short of the batch's count: refused, not read past.
    const short = rewritten(partial.bytes, (edit) => {
      const record = (edit.b as [string, Record<string, string>][]).find(([, r]) => r.h !== '');
      if (record) record[1].h = record[1].h?.slice(43) ?? '';
    });
    expect(await refusal(openSegment(ROOM, short.id, short.bytes, verifier))).to.match(
      /^batch .*: hashes$/,
    );
  });

  it('opens a version 2 segment, whose batch records are whole', async () => {
    const [log] = await history(10);
    if (!log) throw new Error('no log');
    const sealed = sealSegment(ROOM, log.entries(), (id) => log.batchRecord(id));
    const v2 = rewritten(sealed.bytes, (body) => {
      body.v = 2;
      body.b = (body.b as [string, unknown][]).map(([batchId]) => {
        const record = log.batchRecord(batchId);
        return [batchId, { v: record?.v, u: record?.u, h: record?.h, g: record?.g }];
      });
    });
    expect(v2.bytes.length).to.be.greaterThan(sealed.bytes.length);
    const opened = await openSegment(ROOM, v2.id, v2.bytes, new Verifier());
    expect(opened.map((e) => e.id)).to.deep.equal(log.entries().map((e) => e.id));
  });

  it('refuses an entry its own author signed with a clock behind its time, or an unknown kind', async () => {
    const author = await Identity.loadOrCreate(new MemoryKeyStore());
    const sealedOf = async (drafts: ForgedDraft[]) => {
      const batch = await signBatchV2(author, ROOM, author.userId, drafts);
      // The entries as a reader that skipped the checks would hold them.
      const entries = batch.entries.map(([id, value]) => {
        const { v, u, t, c, m, b, i, k } = value as unknown as Record<string, unknown>;
        return {
          id,
          version: v,
          userId: u,
          unixTime: t,
          clock: c,
          message: m,
          batch: b,
          index: i,
          ...(k === undefined ? {} : { kind: k }),
        } as SignedEntry;
      });
      return sealSegment(ROOM, entries, () => batch.batch);
    };
    const good = { u: author.userId, t: 1_000, c: 1_000, m: 'fine' };
    const fine = await sealedOf([good]);
    expect(await openSegment(ROOM, fine.id, fine.bytes, new Verifier())).to.have.length(1);
    const behind = await sealedOf([good, { u: author.userId, t: 5_000, c: 4_000, m: 'late' }]);
    expect(await refusal(openSegment(ROOM, behind.id, behind.bytes, new Verifier()))).to.equal(
      'entry: bad-time',
    );
    const unknown = await sealedOf([{ ...good, c: 1_001, k: 'teleport' }]);
    expect(await refusal(openSegment(ROOM, unknown.id, unknown.bytes, new Verifier()))).to.equal(
      'entry: unknown-kind',
    );
    // The same refusals as an entry of the document.
    expect(
      decodeEntry(
        'x'.repeat(43),
        { v: 2, u: author.userId, t: 5, c: 4, m: 'm', b: 'y'.repeat(43), i: 0 },
        100,
      ),
    ).to.equal('bad-time');
  });
});
