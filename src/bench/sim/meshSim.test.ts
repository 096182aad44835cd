import assert from 'node:assert/strict';
import { it } from 'node:test';
import { runMeshSim, SMALL_SCENARIO } from './meshSim';

// The real mesh code over a simulated network, in virtual time: no timing is asserted (speed
// is the benchmark's), only that every message reaches every peer and the degree stays bounded.
for (const seed of [1, 2]) {
  it(`mesh simulation, ${SMALL_SCENARIO.peers} peers, seed ${seed}: converges under churn and after a partition heals`, () => {
    const f = runMeshSim({ ...SMALL_SCENARIO, seed });
    assert.equal(f.missed, 0, 'every peer there from send to end has every burst message');
    assert.equal(f.healMissed, 0, 'after the partition heals every peer has both halves');
    assert.ok(f.degree.maxEver <= 8, `no peer above the cap of 8 links (saw ${f.degree.maxEver})`);
    assert.ok(f.degree.min >= 1, `every peer has a link (min ${f.degree.min})`);
    assert.equal(f.aloneMax, 0, 'no peer stays alone for 10 s');
    assert.ok(f.presenceRecall > 0.9, `presence lists the members (recall ${f.presenceRecall})`);
    assert.ok(f.linksDeclaredDead > 0, 'liveness noticed the links the partition cut');
  });
}
