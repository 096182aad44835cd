import { expect } from '@esm-bundle/chai';
import { StorageHealth, type StorageStatus } from './StorageHealth';

const quota = new DOMException('full', 'QuotaExceededError');
const failed = new Error('write failed');

describe('StorageHealth', () => {
  it('is degraded while a source that retries fails, and ok again once it recovers', () => {
    const health = new StorageHealth();
    const seen: StorageStatus[] = [];
    health.subscribe((status) => seen.push(status));
    const a = {};
    const b = {};
    health.report(quota, a);
    health.report(failed, b);
    health.report(failed, a); // counted, keeps a's first message
    expect(health.failures).to.equal(3);
    expect(health.status.state === 'degraded' && health.status.kind).to.equal('quota');
    health.recovered(a);
    expect(health.status.state === 'degraded' && health.status.kind).to.equal('failed');
    health.recovered(a); // twice: nothing more
    health.recovered(b);
    expect(health.ok).to.equal(true);
    expect(seen.map((s) => (s.state === 'degraded' ? s.kind : 'ok'))).to.deep.equal([
      'quota',
      'failed',
      'ok',
    ]);
  });

  it('keeps a failure without a source for the page’s life', () => {
    const health = new StorageHealth();
    const source = {};
    health.report(failed, source);
    health.report(new DOMException('closed', 'InvalidStateError'));
    health.recovered(source);
    expect(health.status.state === 'degraded' && health.status.kind).to.equal('closed');
  });
});
