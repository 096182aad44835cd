import { expect } from '@esm-bundle/chai';
import { eventLogContract } from './eventLogContract';
import { MemoryEventLog } from './MemoryEventLog';

eventLogContract('MemoryEventLog', () => {
  const made: MemoryEventLog[] = [];
  return {
    replicas(count) {
      const replicas = MemoryEventLog.connected(count);
      made.push(...replicas);
      return Promise.resolve(replicas);
    },
    authorOf: (replica) => `user-${made.findIndex((log) => log === replica)}`,
    cleanup() {
      for (const log of made.splice(0)) log.destroy();
      return Promise.resolve();
    },
  };
});

describe('MemoryEventLog', () => {
  it('orders by time, then id, whatever the arrival order', () => {
    let clock = 1_700_000_000_000;
    const log = new MemoryEventLog(undefined, { replicaId: 'r', now: () => (clock -= 1) });
    log.append('u', 'written first, later clock');
    log.append('u', 'written second, earlier clock');
    expect(log.entries().map((e) => e.message)).to.deep.equal([
      'written second, earlier clock',
      'written first, later clock',
    ]);
  });

  it('refuses appends after destroy', () => {
    const log = new MemoryEventLog();
    log.destroy();
    expect(() => log.append('u', 'late')).to.throw(/destroyed/);
  });
});
