import { expect } from '@esm-bundle/chai';
import { Identity } from '../identity/Identity';
import { MemoryKeyStore } from '../identity/MemoryKeyStore';
import { encodePayload } from '../log/entryKinds';
import { FILE } from '../log/fileEntry';
import { RoomMesh } from '../testkit/app/FakeRoom';
import { until } from '../testkit/waitFor';
import { fileName, fileType, type FileShelf } from './FileShelf';
import { NameBook } from './NameBook';
import { RoomState } from './RoomState';
import type { MessageLine } from './ChatLine';

const HASH = 'q'.repeat(42) + 'g';

/** A shelf that keeps everything and describes it with HASH. */
const shelf = (kept: Blob[]): FileShelf => ({
  keep: (file) => {
    kept.push(file);
    return Promise.resolve({ hash: HASH, thumb: '' });
  },
  open: () => Promise.reject(new Error('not used')),
  usage: () => Promise.resolve({ used: 0, quota: 1, files: 0 }),
});

const messages = (state: RoomState): MessageLine[] =>
  state.snapshot().lines.filter((l): l is MessageLine => l.kind === 'message');

describe('Sharing a file in a room', () => {
  let mesh: RoomMesh;
  const states: RoomState[] = [];
  beforeEach(() => {
    mesh = new RoomMesh();
  });
  afterEach(() => {
    for (const s of states.splice(0)) s.destroy();
    mesh.destroy();
  });

  async function member(name: string, files?: FileShelf) {
    const signer = await Identity.loadOrCreate(new MemoryKeyStore());
    const room = mesh.open({ roomId: 'room-files', displayName: name, signer });
    if (files) Object.assign(room, { files });
    const state = new RoomState(room, { names: new NameBook() });
    states.push(state);
    return { room, state };
  }

  it('writes a message with the file, which the other member sees attached', async () => {
    const kept: Blob[] = [];
    const ann = await member('Ann', shelf(kept));
    const ben = await member('Ben');
    const file = new File(['hello'], 'notes/today\u0007.txt', {
      type: 'Text/Plain; charset=utf-8',
    });
    expect(await ann.state.shareFile(file)).to.equal(undefined);
    expect(kept).to.have.length(1);
    const seen = () => messages(ben.state).find((m) => m.file);
    await until(
      (f) => ben.state.subscribe(f),
      () => seen() !== undefined,
      'Ben sees the file',
    );
    expect(seen()?.text).to.equal('notes_today_.txt');
    expect(seen()?.file).to.deep.equal({
      hash: HASH,
      name: 'notes_today_.txt',
      type: 'text/plain',
      size: 5,
      thumb: '',
    });
  });

  it('refuses an empty file, and says why while the room has no files yet', async () => {
    const ann = await member('Ann', shelf([]));
    expect(await ann.state.shareFile(new File([], 'empty.txt'))).to.equal('That file is empty.');
    const ben = await member('Ben');
    expect(await ben.state.shareFile(new File(['x'], 'x.txt'))).to.match(/still opening/);
  });

  it('shows no file a member attaches to someone else’s message', async () => {
    const ann = await member('Ann');
    const mallory = await member('Mallory');
    expect(ann.state.send('my words')).to.equal(true);
    const annsMessage = () => messages(mallory.state).find((m) => m.text === 'my words');
    await until(
      (f) => mallory.state.subscribe(f),
      () => annsMessage() !== undefined,
      'arrives',
    );
    const id = annsMessage()?.id ?? '';
    const forged = encodePayload({
      kind: FILE,
      message: id,
      hash: HASH,
      name: 'evil.html',
      type: 'text/html',
      size: 10,
      thumb: '',
    });
    expect(mallory.room.log.append(mallory.room.userId, forged, FILE)).to.be.a('string');
    await until(
      (f) => ann.room.log.observeKinds(f),
      () => ann.room.log.kinds().some((k) => k.kind === FILE),
      'the forged entry reaches Ann',
    );
    expect(messages(ann.state).find((m) => m.id === id)?.file).to.equal(undefined);
  });

  it('cleans names and types before they are signed', () => {
    expect(fileName('  a/b\\c\n.png ')).to.equal('a_b_c_.png');
    expect(fileName('x'.repeat(300) + '.jpeg')).to.have.length(255);
    expect(fileName('x'.repeat(300) + '.jpeg').endsWith('.jpeg')).to.equal(true);
    expect(fileName('')).to.equal('file');
    expect(fileType('IMAGE/PNG')).to.equal('image/png');
    expect(fileType('not a type')).to.equal('');
  });
});
