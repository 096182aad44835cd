// The RoomStore contract: MemoryRoomStore, IdbRoomStore and ResilientRoomStore all run it.
import { expect } from '@esm-bundle/chai';
import { DestroyedError, InvalidArgumentError, RoomExistsError, RoomNotFoundError } from './errors';
import type { JoinedRoom, RoomStore } from './RoomStore';
import type { StoreHarness } from '../testkit/storage/idbTestHarness';

/** What a room store implementation provides to run the contract suite. */
/** How a suite opens, reopens and cleans up a store (see idbTestHarness.ts). */
export type RoomStoreHarness = StoreHarness<RoomStore>;

/** A group room joined at `joinedAt`. */
export function groupRoom(roomId: string, joinedAt = 1_700_000_000_000): JoinedRoom {
  return { roomId, title: `Room ${roomId}`, joinedAt, kind: 'group' };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** The RoomStore contract. */
export function roomStoreContract(name: string, makeHarness: () => RoomStoreHarness): void {
  describe(`RoomStore contract: ${name}`, () => {
    let harness: RoomStoreHarness;
    beforeEach(() => {
      harness = makeHarness();
    });
    afterEach(async () => {
      await harness.cleanup();
    });

    it('lists joined rooms, oldest join first, across a reopen', async () => {
      const store = await harness.open();
      expect(await store.list()).to.deep.equal([]);
      const direct: JoinedRoom = {
        roomId: 'dm',
        title: 'Bob',
        joinedAt: 5,
        kind: 'direct',
        peerUserId: 'bob-id',
        password: 'secret',
      };
      await store.add(groupRoom('b', 10));
      await store.add(direct);
      await store.add(groupRoom('a', 10));
      const reopened = await harness.reopen();
      expect((await reopened.list()).map((r) => r.roomId)).to.deep.equal(['dm', 'a', 'b']);
      expect(await reopened.get('dm')).to.deep.equal(direct);
      expect(await reopened.get('nope')).to.equal(undefined);
    });

    it('refuses a second add of a room, and invalid rooms, with typed errors', async () => {
      const store = await harness.open();
      await store.add(groupRoom('a'));
      expect(await rejection(store.add({ ...groupRoom('a'), title: 'again' }))).to.be.instanceOf(
        RoomExistsError,
      );
      expect((await store.get('a'))?.title).to.equal('Room a');
      const direct = { ...groupRoom('d'), kind: 'direct' } as JoinedRoom;
      expect(await rejection(store.add(direct))).to.be.instanceOf(InvalidArgumentError);
      const badGroup = { ...groupRoom('g'), peerUserId: 'x' };
      expect(await rejection(store.add(badGroup))).to.be.instanceOf(InvalidArgumentError);
    });

    it('updates title, lastReadOrder and password; undefined removes a field', async () => {
      const store = await harness.open();
      await store.add({ ...groupRoom('a'), password: 'pw' });
      const next = await store.update('a', {
        title: 'Renamed',
        lastReadOrder: 42,
        password: undefined,
      });
      expect(next).to.deep.equal({ ...groupRoom('a'), title: 'Renamed', lastReadOrder: 42 });
      expect(await rejection(store.update('zzz', { title: 'x' }))).to.be.instanceOf(
        RoomNotFoundError,
      );
      expect(await rejection(store.update('a', { lastReadOrder: NaN }))).to.be.instanceOf(
        InvalidArgumentError,
      );
      expect(await (await harness.reopen()).get('a')).to.deep.equal(next);
    });

    it('removes a room and says whether it was there', async () => {
      const store = await harness.open();
      await store.add(groupRoom('a'));
      expect(await store.remove('a')).to.equal(true);
      expect(await store.remove('a')).to.equal(false);
      expect(await (await harness.reopen()).list()).to.deep.equal([]);
    });

    it('destroy is idempotent, and a destroyed store refuses calls', async () => {
      const store = await harness.open();
      store.destroy();
      store.destroy();
      expect(await rejection(store.list())).to.be.instanceOf(DestroyedError);
    });
  });
}
