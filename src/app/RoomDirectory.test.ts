import { expect } from '@esm-bundle/chai';
import { LocalStorageRoomDirectory, MemoryRoomDirectory } from './RoomDirectory';
import { room, roomDirectoryContract } from './roomDirectoryContract';

class MapStorage {
  readonly map = new Map<string, string>();
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.map.set(key, value);
  }
}

roomDirectoryContract('MemoryRoomDirectory', () => new MemoryRoomDirectory());
roomDirectoryContract(
  'LocalStorageRoomDirectory',
  () => new LocalStorageRoomDirectory(new MapStorage()),
);

describe('LocalStorageRoomDirectory', () => {
  it('survives a reload and drops malformed stored records', async () => {
    const storage = new MapStorage();
    await new LocalStorageRoomDirectory(storage).add(
      room('kept-room', 1, { kind: 'dm', peerUserId: 'x', password: 'pw' }),
    );
    const stored = JSON.parse(storage.getItem('meshchat:rooms') ?? '[]') as unknown[];
    storage.setItem('meshchat:rooms', JSON.stringify([...stored, { roomId: 1 }, 'junk']));
    const list = await new LocalStorageRoomDirectory(storage).list();
    expect(list).to.deep.equal([
      room('kept-room', 1, { kind: 'dm', peerUserId: 'x', password: 'pw' }),
    ]);
  });

  it('starts empty on unreadable storage', async () => {
    const storage = new MapStorage();
    storage.setItem('meshchat:rooms', '{not json');
    expect(await new LocalStorageRoomDirectory(storage).list()).to.deep.equal([]);
  });
});
