// The RoomDirectory contract: every adapter (memory, localStorage, the IndexedDB rooms store)
// runs it. Mocha globals; import from a *.test.ts file.
import { expect } from '@esm-bundle/chai';
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

/** The RoomDirectory contract; the IndexedDB rooms store is meant to pass it too. */
export function roomDirectoryContract(name: string, make: () => RoomDirectory): void {
  describe(`RoomDirectory contract: ${name}`, () => {
    it('lists added rooms, oldest joined first', async () => {
      const dir = make();
      await dir.add(room('second-room', 2));
      await dir.add(room('first-room', 1));
      expect((await dir.list()).map((r) => r.roomId)).to.deep.equal(['first-room', 'second-room']);
    });

    it('keeps an existing room when it is added again', async () => {
      const dir = make();
      await dir.add(room('some-room', 1, { title: 'Old' }));
      const again = await dir.add(room('some-room', 5, { title: 'New' }));
      expect(again.title).to.equal('Old');
      expect((await dir.list()).length).to.equal(1);
    });

    it('updates and removes', async () => {
      const dir = make();
      await dir.add(room('some-room', 1));
      expect((await dir.update('some-room', { lastReadAt: 42 }))?.lastReadAt).to.equal(42);
      expect(await dir.update('unknown-room', { lastReadAt: 1 })).to.equal(undefined);
      await dir.remove('some-room');
      await dir.remove('some-room');
      expect(await dir.list()).to.deep.equal([]);
    });

    it('refuses a malformed record', async () => {
      const dir = make();
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
