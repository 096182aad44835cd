import { expect } from '@esm-bundle/chai';
import { UpdateChecks } from './UpdateChecks';

describe('UpdateChecks', () => {
  function setup() {
    let time = 1_000_000;
    let updates = 0;
    let tick: () => void = () => undefined;
    let periodMs = 0;
    let timerStopped = false;
    const win = new EventTarget();
    const doc: EventTarget & { visibilityState: DocumentVisibilityState } = Object.assign(
      new EventTarget(),
      { visibilityState: 'visible' as const },
    );
    const checks = new UpdateChecks(
      {
        update: () => {
          updates += 1;
          return Promise.resolve();
        },
      },
      {
        window: win,
        document: doc,
        now: () => time,
        every: (ms, fn) => {
          periodMs = ms;
          tick = fn;
          return () => (timerStopped = true);
        },
      },
    );
    return {
      checks,
      win,
      doc,
      advance: (ms: number) => (time += ms),
      tick: () => tick(),
      updates: () => updates,
      periodMs: () => periodMs,
      timerStopped: () => timerStopped,
    };
  }

  it('checks every hour', async () => {
    const t = setup();
    expect(t.periodMs()).to.equal(3_600_000);
    t.advance(3_600_000);
    t.tick();
    await Promise.resolve();
    expect(t.updates()).to.equal(1);
    t.checks.stop();
  });

  it('checks when the window comes back into view, at most once a minute', () => {
    const t = setup();
    t.win.dispatchEvent(new Event('focus'));
    expect(t.updates()).to.equal(0, 'the browser has just checked while registering');
    t.advance(61_000);
    t.win.dispatchEvent(new Event('focus'));
    expect(t.updates()).to.equal(1);
    t.doc.dispatchEvent(new Event('visibilitychange'));
    expect(t.updates()).to.equal(1);
    t.advance(61_000);
    t.doc.visibilityState = 'hidden';
    t.doc.dispatchEvent(new Event('visibilitychange'));
    expect(t.updates()).to.equal(1, 'hidden: no check');
    t.doc.visibilityState = 'visible';
    t.doc.dispatchEvent(new Event('visibilitychange'));
    expect(t.updates()).to.equal(2);
    t.checks.stop();
  });

  it('takes a failed check calmly, and stops for good', async () => {
    let calls = 0;
    let now = 0;
    const checks = new UpdateChecks(
      {
        update: () => {
          calls += 1;
          return Promise.reject(new TypeError('Failed to fetch'));
        },
      },
      { window: new EventTarget(), now: () => now, every: () => () => undefined },
    );
    now = 120_000;
    expect(await checks.check()).to.equal(true);
    checks.stop();
    checks.stop();
    now = 240_000;
    expect(await checks.check()).to.equal(false);
    expect(calls).to.equal(1);
  });
});
