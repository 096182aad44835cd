import { expect } from '@esm-bundle/chai';
import { Topology } from './Topology';
import type { MeshEnv } from './ports';

/** Time moves only when the test says; chance is a fixed sequence. */
function manualEnv(): MeshEnv & { time: number } {
  let seed = 7;
  const env = {
    time: 0,
    now: () => env.time,
    timer: () => () => undefined,
    random: () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    },
  };
  return env;
}

function topology(self: string, env: MeshEnv): { t: Topology; dials: string[] } {
  const dials: string[] = [];
  const t = new Topology(
    self,
    env,
    { announce: () => undefined, dial: (peer) => dials.push(peer) },
    { close: () => undefined, shareNeighbours: () => undefined },
  );
  return { t, dials };
}

describe('Topology', () => {
  it("dials a peer again from its neighbours' lists after a dial that never opened", () => {
    const env = manualEnv();
    const { t, dials } = topology('a', env);
    for (const p of ['b', 'c', 'd', 'e']) t.onLinkOpen(p);
    // Every neighbour knows f, so a tells them apart only by trying it.
    for (const p of ['b', 'c', 'd', 'e']) t.onNeighbours(p, ['a', 'f']);
    t.tick();
    expect(dials).to.deep.equal(['f']);
    // The dial never opens (its offer was lost): it is given up after the dial timeout...
    env.time += t.options.dialTimeoutMs + 1;
    t.tick();
    expect(dials).to.deep.equal(['f'], 'not hammered at once');
    // ...and tried again once the retry pause is over, though no neighbour spoke since.
    env.time += t.options.retryMs + 1;
    t.tick();
    expect(dials).to.deep.equal(['f', 'f']);
    t.onLinkOpen('f');
    expect(t.degree).to.equal(5);
  });

  it('answers an invitation by dialing, even with enough links, but not twice', () => {
    const env = manualEnv();
    const { t, dials } = topology('a', env);
    for (const p of ['b', 'c', 'd', 'e', 'f', 'g']) t.onLinkOpen(p);
    expect(t.wants('z', false)).to.equal(false, 'at its target it would mostly ignore an announce');
    t.onInvite('z');
    t.onInvite('z');
    t.onInvite('b');
    t.onInvite('a');
    expect(dials).to.deep.equal(['z']);
  });
});
