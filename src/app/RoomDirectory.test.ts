import { MemoryRoomDirectory } from './RoomDirectory';
import { roomDirectoryContract } from './roomDirectoryContract';

roomDirectoryContract('MemoryRoomDirectory', () => {
  let dir = new MemoryRoomDirectory();
  return {
    open: () => {
      dir = new MemoryRoomDirectory();
      return Promise.resolve(dir);
    },
    reopen: () => Promise.resolve(dir),
    cleanup: () => Promise.resolve(),
  };
});
