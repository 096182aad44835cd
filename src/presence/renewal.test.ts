import { expect } from '@esm-bundle/chai';
import { boundedInterval, expiryMs, renewalMs } from './renewal';

describe('presence renewal', () => {
  it('renews at the base interval up to ten members, then slower, up to six times', () => {
    expect([1, 2, 10].map((n) => renewalMs(n, 10_000))).to.deep.equal([10_000, 10_000, 10_000]);
    expect(renewalMs(25, 10_000)).to.equal(25_000);
    expect(renewalMs(50, 10_000)).to.equal(50_000);
    expect(renewalMs(100, 10_000)).to.equal(60_000);
    expect(renewalMs(1000, 10_000)).to.equal(60_000);
    // A base that is not a whole number of ms still gives one (readers refuse any other).
    expect(renewalMs(3, 4000 / 3)).to.equal(1333);
    expect(renewalMs(25, 4000 / 3)).to.equal(3333);
  });

  it('bounds the interval a card claims, so no card stays for an hour', () => {
    expect(boundedInterval(undefined, 10_000)).to.equal(10_000);
    expect(boundedInterval('long', 10_000)).to.equal(10_000);
    expect(boundedInterval(1, 10_000)).to.equal(10_000);
    expect(boundedInterval(25_000, 10_000)).to.equal(25_000);
    expect(boundedInterval(3_600_000, 10_000)).to.equal(60_000);
    expect(expiryMs(25_000, 10_000, 30_000)).to.equal(75_000);
    expect(expiryMs(3_600_000, 10_000, 30_000)).to.equal(180_000);
    expect(expiryMs(Infinity, 10_000, 30_000)).to.equal(30_000);
  });
});
