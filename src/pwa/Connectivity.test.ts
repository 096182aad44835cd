import { expect } from '@esm-bundle/chai';
import { Connectivity, type Probe } from './Connectivity';

/** A probe the test answers: each call waits for the test's reply. */
function scriptedProbe(): { probe: Probe; calls: () => number; answer: (up: boolean) => void } {
  const waiting: ((up: boolean) => void)[] = [];
  let calls = 0;
  let standing: boolean | undefined;
  return {
    probe: () => {
      calls += 1;
      if (standing !== undefined) return Promise.resolve(standing);
      return new Promise<boolean>((resolve) => waiting.push(resolve));
    },
    calls: () => calls,
    answer: (up) => {
      standing = up;
      for (const resolve of waiting.splice(0)) resolve(up);
    },
  };
}

function changes(connectivity: Connectivity): Promise<boolean> {
  return new Promise((resolve) => {
    const stop = connectivity.subscribe(() => {
      stop();
      resolve(connectivity.online);
    });
  });
}

describe('Connectivity', () => {
  const made: Connectivity[] = [];
  afterEach(() => {
    for (const c of made.splice(0)) c.destroy();
  });
  function make(probe: Probe, browserOnline: () => boolean, target = new EventTarget()) {
    const c = new Connectivity({ probe, target, browserOnline, retryMs: [5] });
    made.push(c);
    return { c, target };
  }

  it('says offline when the server cannot be reached, though the browser says online', async () => {
    const script = scriptedProbe();
    const { c } = make(script.probe, () => true);
    expect(c.online).to.equal(true);
    const changed = changes(c);
    script.answer(false);
    expect(await changed).to.equal(false);
  });

  it('keeps probing while offline and comes back without an online event', async () => {
    const script = scriptedProbe();
    const { c } = make(script.probe, () => true);
    const down = changes(c);
    script.answer(false);
    await down;
    const up = changes(c);
    script.answer(true);
    expect(await up).to.equal(true);
    expect(script.calls()).to.be.greaterThan(1);
  });

  it('trusts the browser’s offline event at once, and checks its online event', async () => {
    let browser = true;
    const script = scriptedProbe();
    script.answer(true);
    const { c, target } = make(script.probe, () => browser);
    await c.check();
    browser = false;
    target.dispatchEvent(new Event('offline'));
    expect(c.online).to.equal(false);
    browser = true;
    const up = changes(c);
    target.dispatchEvent(new Event('online'));
    expect(await up).to.equal(true);
  });

  it('never probes when the browser itself says offline', async () => {
    const script = scriptedProbe();
    const { c } = make(script.probe, () => false);
    expect(await c.check()).to.equal(false);
    expect(script.calls()).to.equal(0);
    c.destroy();
  });
});
