import { keyStoreContract } from './keyStoreContract';
import { MemoryKeyStore } from './MemoryKeyStore';

keyStoreContract('MemoryKeyStore', () => {
  let store = new MemoryKeyStore();
  return {
    open: () => {
      store = new MemoryKeyStore();
      return Promise.resolve(store);
    },
    reopen: () => Promise.resolve(store),
    cleanup: () => Promise.resolve(),
  };
});
