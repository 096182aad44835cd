import { expect } from '@esm-bundle/chai';
import { SeededRandom } from '../testkit/SeededRandom';
import { RECONNECT_FIRST_MS, RECONNECT_MAX_MS, reconnectDelay } from './reconnectDelay';

/**
 * When a tab whose signaling dropped at 0 is connected again, if the server is back at
 * `back` ms: its attempts follow one another after reconnectDelay(0), (1), (2)...
 */
function backAt(back: number, random: () => number): number {
  let at = 0;
  for (let failures = 0; ; failures += 1) {
    at += reconnectDelay(failures, random);
    if (at >= back) return at;
  }
}

describe('reconnectDelay', () => {
  it('waits a random half of an envelope that doubles from 250 ms up to 2 s', () => {
    const envelopes = [250, 500, 1000, 2000, 2000, 2000, 2000];
    envelopes.forEach((envelope, failures) => {
      expect(reconnectDelay(failures, () => 0)).to.equal(envelope / 2);
      expect(reconnectDelay(failures, () => 0.999999)).to.be.closeTo(envelope, 0.01);
      expect(reconnectDelay(failures, () => 0.5)).to.equal(envelope * 0.75);
    });
    expect(reconnectDelay(0, () => 0)).to.equal(RECONNECT_FIRST_MS / 2);
    expect(reconnectDelay(1000, () => 0.999999)).to.be.at.most(RECONNECT_MAX_MS);
    // A random source out of range cannot make it negative or longer than the cap.
    expect(reconnectDelay(2, () => -4)).to.equal(500);
    expect(reconnectDelay(9, () => 7)).to.equal(RECONNECT_MAX_MS);
  });

  it('brings tabs back after an outage spread out, not in one instant, each within the cap', () => {
    for (const seed of [1, 2, 3]) {
      const source = new SeededRandom(seed);
      const random = (): number => source.next();
      const back = 30_000;
      const times = Array.from({ length: 200 }, () => backAt(back, random)).sort((a, b) => a - b);
      const first = times[0] ?? 0;
      const last = times[times.length - 1] ?? 0;
      // Nobody waits longer than one capped attempt after the server's return.
      expect(last - back).to.be.at.most(RECONNECT_MAX_MS);
      // Spread over most of that: lib0's own backoff brought all 200 in the same instant.
      expect(last - first, `seed ${seed}`).to.be.at.least(1500);
      for (let i = 0; i < times.length; i += 1) {
        const within = times.filter((t) => t >= (times[i] ?? 0) && t < (times[i] ?? 0) + 100);
        expect(within.length, `seed ${seed}: tabs within 100 ms`).to.be.at.most(30);
      }
    }
  });
});
