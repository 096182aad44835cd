import { expect } from '@esm-bundle/chai';
import { sealLimits } from './RoomSessionOptions';

describe('sealLimits', () => {
  it('leaves the seals their defaults when the tab does not seal', () => {
    expect(sealLimits(undefined)).to.deep.equal({});
  });

  it('passes the live limit, and the size and settle time only when given', () => {
    expect(sealLimits({ above: 10_000 })).to.deep.equal({ liveLimit: 10_000 });
    expect(sealLimits({ above: 500, size: 100, settleMs: 0 })).to.deep.equal({
      liveLimit: 500,
      sealSize: 100,
      settleMs: 0,
    });
  });
});
