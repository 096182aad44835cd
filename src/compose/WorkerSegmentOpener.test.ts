import { expect } from '@esm-bundle/chai';
import { sha256 } from '@noble/hashes/sha2.js';
import { encodeBase64url } from '../identity/base64url';
import { Verifier } from '../identity/Verifier';
import { SegmentError, sealSegment } from '../log/Segment';
import { openSegment } from '../log/SegmentOpen';
import { twoAuthors } from '../testkit/log/twoAuthors';
import { EDIT, REACT } from '../log/entryKinds';
import { WorkerSegmentOpener } from './WorkerSegmentOpener';

const ROOM = 'worker-segment-room';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A sealed segment of 2 x `count` verified messages. */
async function segment(count: number) {
  const [log] = await twoAuthors(ROOM, count);
  if (!log) throw new Error('no log');
  return sealSegment(ROOM, log.entries(), (id) => log.batchRecord(id));
}

/** What opening gave: the entries' ids, or the reason it was refused. */
async function outcome(promise: Promise<{ id: string }[]>): Promise<string[] | string> {
  try {
    return (await promise).map((entry) => entry.id);
  } catch (error) {
    if (error instanceof SegmentError) return error.reason;
    throw error;
  }
}

/** A worker whose script throws as it loads. */
const brokenWorker = (): Worker =>
  new Worker(URL.createObjectURL(new Blob(['throw new Error("no")'], { type: 'text/javascript' })));

describe('WorkerSegmentOpener', () => {
  it('opens segments on a worker, with the very checks of openSegment', async () => {
    const sealed = await segment(40);
    const opener = new WorkerSegmentOpener(new Verifier());
    try {
      const onPage = await openSegment(ROOM, sealed.id, sealed.bytes, new Verifier());
      const inWorker = await opener.open(ROOM, sealed.id, sealed.bytes);
      expect(inWorker).to.deep.equal(onPage);
      // A forged row (its text changed, the bytes renamed to match) is refused as on the page.
      const body = JSON.parse(decoder.decode(sealed.bytes)) as { e: unknown[][] };
      const first = body.e[0];
      if (first) first[4] = 'words never written';
      const forged = encoder.encode(JSON.stringify(body));
      const forgedId = encodeBase64url(sha256(forged));
      const refused = await outcome(openSegment(ROOM, forgedId, forged, new Verifier()));
      expect(refused).to.be.a('string');
      expect(await outcome(opener.open(ROOM, forgedId, forged))).to.equal(refused);
      expect(await outcome(opener.open('another-room', sealed.id, sealed.bytes))).to.equal(
        'another room',
      );
      expect(opener.stats()).to.deep.equal({ inWorker: 3, onPage: 0 });
    } finally {
      opener.close();
    }
  });

  it('hands back what openSegment gives, kinds and odd texts included', async () => {
    const [log, other] = await twoAuthors(ROOM, 3);
    if (!log || !other) throw new Error('no log');
    const target = log.entries().find((entry) => entry.message.startsWith('ann'));
    const ben = log.entries().find((entry) => entry.message.startsWith('ben'));
    if (!target || !ben) throw new Error('no entries');
    log.append(target.userId, JSON.stringify([target.id, 'fixed "quote" \\ é 🙂']), EDIT);
    other.append(ben.userId, JSON.stringify([target.id, '👍', 1]), REACT);
    log.append(target.userId, 'line\nbreak, "quoted", ünïcödé');
    await Promise.all([log.whenProcessed(), other.whenProcessed()]);
    // Messages and kinds alike, as sealing takes them.
    const all = log.between(
      { clock: Number.NEGATIVE_INFINITY, id: '' },
      { clock: Number.POSITIVE_INFINITY, id: '' },
    );
    const sealed = sealSegment(ROOM, all, (id) => log.batchRecord(id));
    const opener = new WorkerSegmentOpener(new Verifier());
    try {
      const onPage = await openSegment(ROOM, sealed.id, sealed.bytes, new Verifier());
      expect(onPage.filter((entry) => entry.kind !== undefined)).to.have.length(2);
      expect(await opener.open(ROOM, sealed.id, sealed.bytes)).to.deep.equal(onPage);
      expect(opener.stats()).to.deep.equal({ inWorker: 1, onPage: 0 });
    } finally {
      opener.close();
    }
  });

  it('opens on the page when the ids the worker sent do not fit the bytes', async () => {
    const sealed = await segment(5);
    // A worker that answers every segment with one id too few.
    const short = (): Worker =>
      new Worker(
        URL.createObjectURL(
          new Blob(
            [
              `self.onmessage = ({ data }) => data.call > 0 && self.postMessage({ call: data.call, ids: '${'A'.repeat(43 * 9)}' });`,
            ],
            { type: 'text/javascript' },
          ),
        ),
      );
    const opener = new WorkerSegmentOpener(new Verifier(), short);
    try {
      const opened = await opener.open(ROOM, sealed.id, sealed.bytes);
      expect(opened).to.deep.equal(
        await openSegment(ROOM, sealed.id, sealed.bytes, new Verifier()),
      );
      expect(opener.stats()).to.deep.equal({ inWorker: 0, onPage: 1 });
    } finally {
      opener.close();
    }
  });

  it('opens segments side by side, each answered with its own entries', async () => {
    const [a, b] = [await segment(10), await segment(25)];
    const opener = new WorkerSegmentOpener(new Verifier());
    try {
      const [first, second] = await Promise.all([
        opener.open(ROOM, a.id, a.bytes),
        opener.open(ROOM, b.id, b.bytes),
      ]);
      expect(first).to.have.length(20);
      expect(second).to.have.length(50);
    } finally {
      opener.close();
    }
  });

  it('starts its worker when warmed, once, and opens on it after', async () => {
    const sealed = await segment(5);
    let started = 0;
    const opener = new WorkerSegmentOpener(new Verifier(), () => {
      started += 1;
      return new Worker(new URL('./segmentOpenWorker.ts', import.meta.url), { type: 'module' });
    });
    try {
      opener.warm();
      opener.warm();
      expect(started, 'before any segment').to.equal(1);
      expect(await outcome(opener.open(ROOM, sealed.id, sealed.bytes))).to.have.length(10);
      expect(started).to.equal(1);
      expect(opener.stats()).to.deep.equal({ inWorker: 1, onPage: 0 });
    } finally {
      opener.close();
    }
    // Closed: warming starts nothing.
    opener.warm();
    expect(started).to.equal(1);
  });

  it('opens on the page where no worker starts, or the worker fails, losing none', async () => {
    const sealed = await segment(5);
    const none = new WorkerSegmentOpener(new Verifier(), () => undefined);
    expect(await outcome(none.open(ROOM, sealed.id, sealed.bytes))).to.have.length(10);
    expect(none.stats()).to.deep.equal({ inWorker: 0, onPage: 1 });
    // Two segments wait on a worker whose script fails: both are opened on the page.
    const broken = new WorkerSegmentOpener(new Verifier(), brokenWorker);
    const both = await Promise.all([
      outcome(broken.open(ROOM, sealed.id, sealed.bytes)),
      outcome(broken.open('another-room', sealed.id, sealed.bytes)),
    ]);
    expect(both[0]).to.have.length(10);
    expect(both[1]).to.equal('another room');
    expect(broken.stats()).to.deep.equal({ inWorker: 0, onPage: 2 });
  });

  it('rejects what waits once closed, and opens on the page after', async () => {
    const sealed = await segment(5);
    const opener = new WorkerSegmentOpener(new Verifier());
    const waiting = opener.open(ROOM, sealed.id, sealed.bytes);
    opener.close();
    let error: unknown;
    await waiting.catch((e: unknown) => (error = e));
    expect(String(error)).to.contain('closed');
    expect(await outcome(opener.open(ROOM, sealed.id, sealed.bytes))).to.have.length(10);
  });
});
