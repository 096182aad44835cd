import { eventStoreContract } from './eventStoreContract';
import { MemoryEventStore } from './MemoryEventStore';

eventStoreContract('MemoryEventStore', () => {
  let store = new MemoryEventStore();
  return {
    open: () => {
      store = new MemoryEventStore();
      return Promise.resolve(store);
    },
    reopen: () => Promise.resolve(store),
    cleanup: () => Promise.resolve(store.destroy()),
  };
});
