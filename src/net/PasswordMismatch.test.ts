import { expect } from '@esm-bundle/chai';
import { PasswordMismatch } from './PasswordMismatch';

describe('PasswordMismatch', () => {
  const options = { windowMs: 60_000, repeatMs: 20_000 };

  it('suspects nothing before an unreadable message', () => {
    const m = new PasswordMismatch(options);
    expect(m.suspected(0, 0)).to.equal(false);
    expect(m.tick(1000, 0)).to.equal(false);
    expect(m.unreadable).to.equal(0);
  });

  it('counts unreadable messages, suspects a mismatch at once and announces once', () => {
    const m = new PasswordMismatch(options);
    expect(m.received(1000, 0)).to.equal(true);
    expect(m.suspected(1000, 0)).to.equal(true);
    // More of them soon after: counted, no answer to each (two such tabs would never stop).
    expect(m.received(1500, 0)).to.equal(false);
    expect(m.tick(2000, 0)).to.equal(false);
    expect(m.unreadable).to.equal(2);
  });

  it('two tabs of different passwords each learn it, and the answers stop', () => {
    // Ann is there first; Ben's announce reaches Ann only, as y-webrtc sends it once.
    const ann = new PasswordMismatch(options);
    const ben = new PasswordMismatch(options);
    const queue: { to: PasswordMismatch; at: number }[] = [];
    const deliver = (to: PasswordMismatch, at: number): void => {
      const other = to === ann ? ben : ann;
      if (to.received(at, 0)) queue.push({ to: other, at: at + 10 });
    };
    deliver(ann, 0);
    let sent = 0;
    while (queue.length > 0 && sent < 10) {
      const next = queue.shift();
      if (next) deliver(next.to, next.at);
      sent += 1;
    }
    expect(sent).to.equal(2); // Ann's answer, then Ben's (Ann does not answer again)
    expect(ann.suspected(20, 0)).to.equal(true);
    expect(ben.suspected(20, 0)).to.equal(true);
  });

  it('announces again every repeatMs while it lasts, so both sides keep hearing', () => {
    const m = new PasswordMismatch(options);
    m.received(0, 0);
    expect(m.tick(19_999, 0)).to.equal(false);
    expect(m.tick(20_000, 0)).to.equal(true);
    expect(m.tick(21_000, 0)).to.equal(false);
    m.received(30_000, 0); // the other side's repeat
    expect(m.tick(40_000, 0)).to.equal(true);
    expect(m.suspected(40_000, 0)).to.equal(true);
  });

  it('stops suspecting windowMs after the last unreadable message (they left)', () => {
    const m = new PasswordMismatch(options);
    m.received(0, 0);
    expect(m.suspected(59_999, 0)).to.equal(true);
    expect(m.suspected(60_000, 0)).to.equal(false);
    expect(m.tick(60_000, 0)).to.equal(false);
    expect(m.tick(80_000, 0)).to.equal(false);
  });

  it('says nothing while a peer is connected, and speaks up once none is', () => {
    const m = new PasswordMismatch(options);
    // A third person with the old link, while this tab talks to someone: no warning.
    expect(m.received(0, 1)).to.equal(false);
    expect(m.suspected(0, 1)).to.equal(false);
    expect(m.tick(25_000, 1)).to.equal(false);
    // The peer leaves while the outsider is still heard from.
    m.received(30_000, 1);
    expect(m.tick(31_000, 0)).to.equal(true);
    expect(m.suspected(31_000, 0)).to.equal(true);
    // A peer connects: the warning goes at once.
    expect(m.suspected(32_000, 1)).to.equal(false);
  });

  it('refuses timing that could not work', () => {
    expect(() => new PasswordMismatch({ windowMs: 10, repeatMs: 20 })).to.throw(RangeError);
    expect(() => new PasswordMismatch({ windowMs: 10, repeatMs: 0 })).to.throw(RangeError);
  });
});
