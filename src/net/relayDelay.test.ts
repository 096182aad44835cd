import { expect } from '@esm-bundle/chai';
import { BUSY_RELAY_MS, BurstWatch, movedSince, relayDelayMs } from './relayDelay';

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

describe('BurstWatch', () => {
  it('says updates flow after two within the window, not after one alone', () => {
    let now = 0;
    const burst = new BurstWatch(2000, () => now);
    expect(burst.flowing()).to.equal(false);
    burst.arrived();
    expect(burst.flowing()).to.equal(false);
    now = 5000;
    burst.arrived();
    expect(burst.flowing(), 'a message a while after the last').to.equal(false);
    now = 5100;
    burst.arrived();
    expect(burst.flowing()).to.equal(true);
    now = 7200;
    expect(burst.flowing(), 'the burst is over').to.equal(false);
  });
});
