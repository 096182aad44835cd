// The publish budget on a fake clock: half a burst to start, bytes beside messages, one budget
// per address however many connections share it, and the writer that keeps pushing is closed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PublishBudgets, type PublishLimits } from './PublishBudget.js';

const limits: PublishLimits = {
  publishRatePerSec: 10,
  publishBurst: 20,
  publishBytesPerSec: 1000,
  publishBytesBurst: 4000,
  addressPublishRatePerSec: 15,
  addressPublishBytesPerSec: 3000,
};

function clock(): { now: () => number; advance(ms: number): void } {
  let t = 0;
  return { now: () => t, advance: (ms) => (t += ms) };
}

/** How many publishes of `bytes` pass before the first refusal. */
function passing(admit: () => string, max = 1000): number {
  let n = 0;
  while (n < max && admit() === 'ok') n += 1;
  return n;
}

describe('PublishBudgets', () => {
  it('starts a new connection with half its message burst, then refills at the rate', () => {
    const c = clock();
    const budget = new PublishBudgets(limits, c.now).open('1.2.3.4');
    assert.equal(
      passing(() => budget.admit(1)),
      10,
    );
    c.advance(1000);
    assert.equal(
      passing(() => budget.admit(1)),
      10,
    );
  });

  it('counts bytes: a few large frames use the budget many small ones would not', () => {
    const c = clock();
    const budget = new PublishBudgets(limits, c.now).open('1.2.3.4');
    // Half of 4000 bytes: two frames of 1000, though ten messages are allowed.
    assert.equal(
      passing(() => budget.admit(1000)),
      2,
    );
    c.advance(1000);
    assert.equal(budget.admit(1000), 'ok');
  });

  it('shares one budget among the connections of an address, and keeps it across reconnects', () => {
    const c = clock();
    const budgets = new PublishBudgets(limits, c.now);
    // The address starts with half of max(20, 2 x 15) = 15 messages, whatever the connections.
    let total = 0;
    for (let i = 0; i < 5; i += 1) {
      const budget = budgets.open('10.0.0.1');
      total += passing(() => budget.admit(1));
      budgets.release(budget);
    }
    assert.equal(total, 15);
    budgets.sweep(); // not refilled yet: remembered
    assert.equal(budgets.addressCount, 1);
    assert.equal(budgets.open('10.0.0.2').admit(1), 'ok', 'other addresses are unaffected');
  });

  it('forgets an address once it has no connection and its budget has refilled', () => {
    const c = clock();
    const budgets = new PublishBudgets(limits, c.now);
    budgets.release(budgets.open('10.0.0.1'));
    budgets.sweep();
    assert.equal(budgets.addressCount, 1);
    c.advance(60_000);
    budgets.sweep();
    assert.equal(budgets.addressCount, 0);
  });

  it('refuses past the budget, then closes a writer that keeps pushing', () => {
    const c = clock();
    const budget = new PublishBudgets(limits, c.now).open('1.2.3.4');
    const verdicts = Array.from({ length: 40 }, () => budget.admit(1));
    assert.deepEqual(verdicts.slice(0, 10), Array<string>(10).fill('ok'));
    // One more burst of refusals (20 messages) is forgiven; the next is flooding.
    assert.deepEqual(verdicts.slice(10, 30), Array<string>(20).fill('rate_limited'));
    assert.equal(verdicts[30], 'flooding');
  });

  it('closes a writer of large frames after one byte burst of refusals', () => {
    const c = clock();
    const budget = new PublishBudgets(limits, c.now).open('1.2.3.4');
    const verdicts = Array.from({ length: 8 }, () => budget.admit(1000));
    assert.deepEqual(verdicts, [
      'ok',
      'ok',
      'rate_limited',
      'rate_limited',
      'rate_limited',
      'rate_limited',
      'flooding',
      'flooding',
    ]);
  });
});
