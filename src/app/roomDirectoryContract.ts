// The RoomDirectory contract: the memory fake and the IndexedDB directory (plain and resilient)
// run it. Mocha globals; import from a *.test.ts file.
import { expect } from '@esm-bundle/chai';
import type { StoreHarness } from '../testkit/storage/idbTestHarness';
import type { RoomDirectory, RoomRecord } from './RoomDirectory';

/** A group room record for tests. */
export const room = (
  roomId: string,
  joinedAt: number,
  extra: Partial<RoomRecord> = {},
): RoomRecord => ({
  roomId,
  kind: 'group',
  title: `Room ${roomId}`,
  joinedAt,
  lastReadAt: 0,
  ...extra,
});

/** The RoomDirectory contract. */
export function roomDirectoryContract(
  name: string,
  harness: () => StoreHarness<RoomDirectory>,
): void {
  describe(`RoomDirectory contract: ${name}`, () => {
    let h: StoreHarness<RoomDirectory>;
    const make = (): Promise<RoomDirectory> => h.open();
    beforeEach(() => {
      h = harness();
    });
    afterEach(() => h.cleanup());

    it('lists added rooms, oldest joined first', async () => {
      const dir = await make();
      await dir.add(room('second-room', 2));
      await dir.add(room('first-room', 1));
      expect((await dir.list()).map((r) => r.roomId)).to.deep.equal(['first-room', 'second-room']);
    });

    it('keeps an existing room when it is added again', async () => {
      const dir = await make();
      await dir.add(room('some-room', 1, { title: 'Old' }));
      const again = await dir.add(room('some-room', 5, { title: 'New' }));
      expect(again.title).to.equal('Old');
      expect((await dir.list()).length).to.equal(1);
    });

    it('updates and removes', async () => {
      const dir = await make();
      await dir.add(room('some-room', 1));
      expect((await dir.update('some-room', { lastReadAt: 42 }))?.lastReadAt).to.equal(42);
      expect((await dir.update('some-room', { muted: true }))?.muted).to.equal(true);
      expect((await dir.get('some-room'))?.muted).to.equal(true);
      expect(await dir.update('some-room', { muted: false })).not.to.have.property('muted');
      expect(await dir.update('unknown-room', { lastReadAt: 1 })).to.equal(undefined);
      await dir.remove('some-room');
      await dir.remove('some-room');
      expect(await dir.list()).to.deep.equal([]);
    });

    it('keeps every field over a reload', async () => {
      const dir = await make();
      const dm = room('direct-room', 3, { kind: 'dm', peerUserId: 'peer', password: 'pw' });
      await dir.add(dm);
      await dir.update('direct-room', { lastReadAt: 7, title: 'Ann' });
      const again = await h.reopen();
      expect(await again.get('direct-room')).to.deep.equal({ ...dm, lastReadAt: 7, title: 'Ann' });
    });

    it('refuses a malformed record', async () => {
      const dir = await make();
      let error: unknown;
      try {
        await dir.add(room('bad/id', 1));
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(TypeError);
    });
  });
}
