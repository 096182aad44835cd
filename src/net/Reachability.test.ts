import { expect } from '@esm-bundle/chai';
import { PEERS_GONE_AFTER_MS, ReachabilityWatch, UNREACHABLE_AFTER_MS } from './Reachability';

/** Feeds `watch` one observation a second from `from` to `to` (ms), as the network's ticker. */
function tick(
  watch: ReachabilityWatch,
  from: number,
  to: number,
  known: number,
  open: number,
): boolean {
  let unreachable = false;
  for (let t = from; t <= to; t += 1000) unreachable = watch.observe(t, known, open);
  return unreachable;
}

describe('ReachabilityWatch', () => {
  it('says unreachable once peers were known for 20 s with no channel open, not sooner', () => {
    const watch = new ReachabilityWatch();
    expect(tick(watch, 0, 19_000, 1, 0)).to.equal(false);
    expect(watch.observe(UNREACHABLE_AFTER_MS - 1, 1, 0)).to.equal(false);
    expect(watch.observe(UNREACHABLE_AFTER_MS, 1, 0)).to.equal(true);
    expect(tick(watch, 21_000, 60_000, 2, 0)).to.equal(true);
  });

  it('says nothing while signaling is down, and says it again once it is back', () => {
    const watch = new ReachabilityWatch();
    expect(tick(watch, 0, 30_000, 1, 0)).to.equal(true);
    // Offers and candidates cannot cross without signaling: that is not the networks' fault.
    expect(watch.observe(31_000, 1, 0, false)).to.equal(false);
    expect(watch.observe(32_000, 1, 0, true)).to.equal(true);
  });

  it('never says it while alone in the room', () => {
    expect(tick(new ReachabilityWatch(), 0, 120_000, 0, 0)).to.equal(false);
  });

  it('is reset by any channel that opens, and a later wait starts from zero', () => {
    const watch = new ReachabilityWatch();
    expect(tick(watch, 0, 30_000, 1, 0)).to.equal(true);
    expect(watch.observe(31_000, 1, 1)).to.equal(false);
    // Connected to one peer while another keeps failing: the networks do meet.
    expect(tick(watch, 32_000, 90_000, 2, 1)).to.equal(false);
    // The channel closes; the peer is still known and dialed again.
    expect(tick(watch, 91_000, 110_000, 1, 0)).to.equal(false);
    expect(watch.observe(111_000, 1, 0)).to.equal(true);
  });

  it('keeps waiting through the moments a failed peer is forgotten and dialed again', () => {
    const watch = new ReachabilityWatch();
    tick(watch, 0, 9_000, 1, 0);
    // y-webrtc closed the failed connection; the peer announces itself again at once.
    tick(watch, 10_000, 12_000, 0, 0);
    expect(tick(watch, 13_000, 20_000, 1, 0)).to.equal(true);
  });

  it('starts over when the known peers stay gone, and clears what it said', () => {
    const watch = new ReachabilityWatch();
    expect(tick(watch, 0, 25_000, 1, 0)).to.equal(true);
    // They left: past the grace nothing is said any more.
    expect(watch.observe(25_000 + PEERS_GONE_AFTER_MS + 1, 0, 0)).to.equal(false);
    // Someone new arrives: a full wait again before anything is said.
    const back = 40_000;
    expect(tick(watch, back, back + UNREACHABLE_AFTER_MS - 1000, 1, 0)).to.equal(false);
    expect(watch.observe(back + UNREACHABLE_AFTER_MS, 1, 0)).to.equal(true);
  });
});
