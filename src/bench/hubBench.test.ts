import assert from 'node:assert/strict';
import { it } from 'node:test';
import { hubScenario } from './hubBench';

it('hub benchmark: a tiny run delivers everything to every subscriber', () => {
  const figures = hubScenario(0.001);
  assert.deepEqual(
    figures.map((f) => f.subscribers),
    [1, 10, 100],
  );
  for (const figure of figures) {
    assert.equal(figure.deliveries, figure.messages * figure.subscribers);
    assert.ok(figure.deliveriesPerSec > 0);
  }
});
