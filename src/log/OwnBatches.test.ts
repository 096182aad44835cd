import { expect } from '@esm-bundle/chai';
import * as Y from 'yjs';
import { entriesReach } from '../hub/eventLogContract';
import { Identity } from '../identity/Identity';
import { MemoryKeyStore } from '../identity/MemoryKeyStore';
import { Verifier } from '../identity/Verifier';
import { deleteEntries, storedValues } from '../testkit/adversary/entryMaps';
import { MAX_BATCH } from './batches';
import type { Signer } from './signing';
import { YjsEventLog } from './YjsEventLog';

/** A signer whose signatures are handed out only when the test says so. */
class HeldSigner implements Signer {
  readonly userId: string;
  /** Signatures asked for and not yet handed out, in order. */
  readonly waiting: (() => void)[] = [];

  constructor(
    private readonly identity: Identity,
    /** Called at each request, before it waits. */
    private readonly onSign: () => void = () => undefined,
  ) {
    this.userId = identity.userId;
  }

  sign(data: Uint8Array): Promise<Uint8Array> {
    this.onSign();
    const signature = this.identity.sign(data);
    return new Promise((resolve, reject) => {
      this.waiting.push(() => void signature.then(resolve, reject));
    });
  }

  /** Hands out the oldest signature asked for. */
  release(): void {
    this.waiting.shift()?.();
  }
}

const made: { log: YjsEventLog; doc: Y.Doc }[] = [];

function logOf(doc: Y.Doc, signer: Signer): YjsEventLog {
  const log = new YjsEventLog({ doc, roomId: 'room-own', signer, verifier: new Verifier() });
  made.push({ log, doc });
  return log;
}

const until = async (check: () => boolean): Promise<void> => {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 1));
};

afterEach(() => {
  for (const { log, doc } of made.splice(0)) {
    log.destroy();
    doc.destroy();
  }
});

describe('OwnBatches: this tab’s appends on their way into the document', () => {
  it('has the next batch signed while the batch before it is written', async () => {
    const identity = await Identity.loadOrCreate(new MemoryKeyStore());
    const doc = new Y.Doc();
    const inDocument: number[] = [];
    const signer = new HeldSigner(identity, () => inDocument.push(log.pages.size));
    const log = logOf(doc, signer);
    const total = MAX_BATCH + 501;
    for (let i = 0; i < total; i += 1) log.append(identity.userId, `message ${i}`);
    // Batches: the first append alone, then MAX_BATCH, then the other 500.
    for (let signed = 1; signed <= 3; signed += 1) {
      await until(() => signer.waiting.length > 0);
      signer.release();
    }
    await log.whenProcessed();
    expect(inDocument).to.deep.equal([0, 0, 1]);
    expect(log.entries().map((e) => e.message)).to.deep.equal(
      Array.from({ length: total }, (_, i) => `message ${i}`),
    );
    expect(log.unwrittenCount()).to.equal(0);
  });

  it('writes an entry appended while a batch is being written (by an observer of the write)', async () => {
    const identity = await Identity.loadOrCreate(new MemoryKeyStore());
    const doc = new Y.Doc();
    const log = logOf(doc, identity);
    let asked = false;
    doc.on('afterTransaction', (transaction: Y.Transaction) => {
      if (transaction.origin !== log || asked) return;
      asked = true;
      log.append(identity.userId, 'answer');
    });
    log.append(identity.userId, 'question');
    await entriesReach(log, 2, 2000);
    expect(log.entries().map((e) => e.message)).to.deep.equal(['question', 'answer']);
  });

  it('writes back an own entry a peer deleted before it was listed', async () => {
    const identity = await Identity.loadOrCreate(new MemoryKeyStore());
    const doc = new Y.Doc();
    const log = logOf(doc, identity);
    let id = '';
    let deleted = false;
    // Right after the write and before the log lists it, another writer deletes it.
    doc.on('afterTransaction', (transaction: Y.Transaction) => {
      if (transaction.origin !== log || deleted) return;
      deleted = true;
      deleteEntries(doc, [id], 'mallory');
    });
    id = log.append(identity.userId, 'keep me');
    await log.whenProcessed();
    expect(log.entries().map((e) => e.message)).to.deep.equal(['keep me']);
    expect(log.rejected()).to.deep.equal({ deleted: 1 });
    await until(() => storedValues(doc, id).length > 0);
    expect(storedValues(doc, id)).to.have.length(1);
  });
});
