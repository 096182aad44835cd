import { IdbSegmentStore } from './IdbSegmentStore';
import { segmentStoreContract } from './segmentStoreContract';
import { MemorySegmentStore, type SegmentStore } from './SegmentStore';

segmentStoreContract('MemorySegmentStore', () => {
  const store = new MemorySegmentStore();
  return {
    open: () => Promise.resolve(store),
    reopen: () => Promise.resolve(store),
    cleanup: () => Promise.resolve(),
  };
});

segmentStoreContract('IdbSegmentStore', () => {
  const name = `meshchat-segments-test-${Date.now()}-${Math.random()}`;
  const opened: SegmentStore[] = [];
  const open = (): Promise<SegmentStore> => {
    const store = new IdbSegmentStore(name);
    opened.push(store);
    return Promise.resolve(store);
  };
  return {
    open,
    reopen: () => {
      for (const store of opened.splice(0)) store.close();
      return open();
    },
    cleanup: async () => {
      for (const store of opened.splice(0)) store.close();
      await IdbSegmentStore.clear(name);
    },
  };
});
