import { expect } from '@esm-bundle/chai';
import { Identity } from '../identity/Identity';
import { MemoryKeyStore } from '../identity/MemoryKeyStore';
import { RoomMesh } from '../testkit/app/FakeRoom';
import { until } from '../testkit/waitFor';
import { RoomAmendments } from './RoomAmendments';
import type { RoomSource } from './RoomSource';

describe('RoomAmendments', () => {
  let mesh: RoomMesh;
  beforeEach(() => {
    mesh = new RoomMesh();
  });
  afterEach(() => mesh.destroy());

  async function open(): Promise<RoomSource> {
    const signer = await Identity.loadOrCreate(new MemoryKeyStore());
    return mesh.open({ roomId: 'amend-room', displayName: 'x', signer });
  }

  it('asks storage once to redact each deleted message and to store each edit, nothing else', async () => {
    const ann = await open();
    const redacted: string[][] = [];
    const revised: (readonly [string, string])[][] = [];
    const source: RoomSource = Object.assign(Object.create(ann) as RoomSource, {
      redact: (ids: readonly string[]) => {
        redacted.push([...ids]);
        return Promise.resolve();
      },
      revise: (edits: readonly (readonly [string, string])[]) => {
        revised.push([...edits]);
        return Promise.resolve();
      },
    });
    let changes = 0;
    const amendments = new RoomAmendments(source, () => (changes += 1));
    const keep = ann.send('keep') ?? '';
    const gone = ann.send('gone') ?? '';
    await until(
      (f) => ann.log.observe(f),
      () => ann.log.get(gone) !== undefined,
      'sent',
    );
    expect(amendments.edit(keep, ann.userId, 'kept, edited')).to.equal(undefined);
    expect(amendments.remove(gone, ann.userId)).to.equal(undefined);
    await until(
      (f) => ann.log.observeKinds(f),
      () => changes >= 2,
      'both kinds verified',
    );
    expect(amendments.current().get(gone)).to.deep.equal({ edited: false, deleted: true });
    expect(amendments.current().get(keep)?.text).to.equal('kept, edited');
    expect(redacted).to.deep.equal([[gone]]);
    expect(revised).to.deep.equal([[[keep, 'kept, edited']]]);
    // Asked again (nothing new), storage is not asked twice.
    ann.send('more');
    amendments.entriesArrived();
    amendments.current();
    expect(redacted).to.deep.equal([[gone]]);
    expect(revised).to.have.length(1);
    expect(amendments.remove(gone, ann.userId)).to.equal('deleted');
    expect(amendments.edit(gone, ann.userId, 'again')).to.equal('deleted');
    expect(amendments.edit(keep, ann.userId, '  ')).to.equal('empty');
    amendments.destroy();
  });
});
