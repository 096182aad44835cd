import { expect } from '@esm-bundle/chai';
import { BUSY_RELAY_MS, movedSince, relayDelayMs } from './relayDelay';

describe('relayDelayMs', () => {
  it('grows with the room, and waits longer while updates flow', () => {
    expect(relayDelayMs(2, false)).to.equal(250);
    expect(relayDelayMs(25, false)).to.equal(625);
    expect(relayDelayMs(25, true)).to.equal(BUSY_RELAY_MS);
    expect(relayDelayMs(200, true)).to.equal(5000);
  });

  it('tells whether a count moved since it was last asked', () => {
    let count = 0;
    const moved = movedSince(() => count);
    expect(moved()).to.equal(false);
    count += 10;
    expect(moved()).to.equal(true);
    expect(moved()).to.equal(false);
  });
});
