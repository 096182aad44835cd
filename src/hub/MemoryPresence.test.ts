import { presenceContract } from './presenceContract';
import { MemoryPresence } from './MemoryPresence';
import type { PresencePort } from './ports';

presenceContract('MemoryPresence', () => {
  const made: MemoryPresence[] = [];
  return {
    replicas(count) {
      const replicas = MemoryPresence.connected(count);
      made.push(...replicas);
      return Promise.resolve(replicas);
    },
    vanish(replica: PresencePort) {
      made.find((presence) => presence === replica)?.vanish();
      return Promise.resolve();
    },
    cleanup() {
      for (const presence of made.splice(0)) presence.destroy();
      return Promise.resolve();
    },
  };
});
