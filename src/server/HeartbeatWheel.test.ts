import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HeartbeatWheel } from './HeartbeatWheel.js';

/** A wheel whose timer is stopped: the test turns it by hand. */
function wheel(intervalMs: number): {
  wheel: HeartbeatWheel<number>;
  visits: number[];
  cycles: () => number;
} {
  const visits: number[] = [];
  let cycles = 0;
  const w = new HeartbeatWheel<number>(
    intervalMs,
    (member) => visits.push(member),
    () => (cycles += 1),
  );
  w.stop();
  return { wheel: w, visits, cycles: () => cycles };
}

describe('HeartbeatWheel', () => {
  it('visits a thirtieth of 3,000 members per tick of a 30 s interval, each once per turn', () => {
    const { wheel: w, visits, cycles } = wheel(30_000);
    assert.equal(w.slotCount, 30);
    for (let member = 0; member < 3000; member += 1) w.add(member);
    w.tick();
    assert.equal(visits.length, 100, 'one tick pings one slot, not every connection');
    assert.equal(cycles(), 1);
    for (let i = 1; i < 30; i += 1) w.tick();
    assert.equal(visits.length, 3000);
    assert.equal(new Set(visits).size, 3000, 'each member once per interval');
    assert.equal(cycles(), 1);
    w.tick();
    assert.equal(cycles(), 2);
  });

  it('forgets a deleted member and takes one added twice only once', () => {
    const { wheel: w, visits } = wheel(30_000);
    for (let member = 0; member < 60; member += 1) w.add(member);
    w.add(5);
    w.delete(7);
    for (let i = 0; i < 30; i += 1) w.tick();
    assert.equal(visits.length, 59);
    assert.ok(!visits.includes(7));
  });

  it('visits everyone at each tick when the interval is too short to split', () => {
    const { wheel: w, visits } = wheel(100);
    assert.equal(w.slotCount, 1);
    for (let member = 0; member < 10; member += 1) w.add(member);
    w.tick();
    w.tick();
    assert.equal(visits.length, 20);
  });
});
