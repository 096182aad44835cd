// A reader whose queue passes MAX_BUFFERED_BYTES gets SLOW_READER_GRACE_MS to catch up: it is
// dropped only if it is still over the limit then, or at once past four times the limit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TestClient, TestServer } from '../testkit/server/TestClient.js';
import { poll } from '../testkit/waitFor.js';
import { withServer } from '../testkit/server/withServer.js';

/** Limits that let one writer fill a reader's queue quickly; the grace is set per test. */
function env(graceMs: number): Record<string, string> {
  return {
    MAX_BUFFERED_BYTES: '65536',
    MAX_FRAME_BYTES: '70000',
    PUBLISH_RATE: '100000',
    PUBLISH_BURST: '100000',
    PUBLISH_BYTES_RATE: String(2 ** 30),
    PUBLISH_BYTES_BURST: String(2 ** 30),
    ADDRESS_PUBLISH_RATE: '100000',
    ADDRESS_PUBLISH_BYTES_RATE: String(2 ** 30),
    SLOW_READER_GRACE_MS: String(graceMs),
  };
}

const CHUNK = 'z'.repeat(60_000);

/**
 * Publishes one 60 KB message at a time until the server counts a reader over its limit (the
 * kernel's socket buffers take a few MB first). One at a time keeps the queue below the hard
 * cap of four times the limit. Returns how many were sent.
 */
async function fillUntilSlow(t: TestServer, publisher: TestClient, topic: string): Promise<number> {
  let sent = 0;
  while (t.server.metrics.slowReaders === 0) {
    assert.ok(sent < 2000, 'the reader never went over its limit');
    publisher.send({ type: 'publish', topic, data: CHUNK });
    sent += 1;
    await publisher.roundTrip();
  }
  return sent;
}

describe('slow readers', () => {
  it('keeps a reader that catches up within the grace', async () => {
    await withServer(env(60_000), async (t, connect) => {
      const [publisher, reader] = await Promise.all([connect(), connect()]);
      await Promise.all([publisher.subscribe('room'), reader.subscribe('room')]);
      reader.socket.pause();
      const sent = await fillUntilSlow(t, publisher, 'room');
      reader.socket.resume();
      await poll(() => reader.publishes('room').length === sent, 'the reader to catch up', {
        timeoutMs: 20_000,
      });
      // The next publish finds its queue empty and ends its grace.
      publisher.send({ type: 'publish', topic: 'room', data: 'after' });
      await reader.waitFor((m) => m.data === 'after', 'the message after the backlog');
      assert.equal(t.server.metrics.slowReaders, 0);
      assert.equal(t.server.metrics.drops.slow_consumer, 0);
      assert.equal(reader.socket.readyState, reader.socket.OPEN);
    });
  });

  it('drops a reader still over MAX_BUFFERED_BYTES when the grace runs out', async () => {
    await withServer(env(200), async (t, connect) => {
      const [publisher, reader, stalled] = await Promise.all([connect(), connect(), connect()]);
      await Promise.all([publisher, reader, stalled].map((c) => c.subscribe('room')));
      stalled.socket.pause();
      const sent = await fillUntilSlow(t, publisher, 'room');
      // Nothing more is sent: only the timer can drop it.
      await poll(() => t.server.metrics.drops.slow_consumer === 1, 'the grace to run out');
      stalled.socket.resume(); // a paused socket does not see its own close
      assert.equal((await stalled.waitClosed()).code, 1006);
      assert.equal(t.server.metrics.slowReaders, 0);
      await poll(() => reader.publishes('room').length === sent, 'the other reader to get all');
      assert.equal(reader.socket.readyState, reader.socket.OPEN);
    });
  });

  it('drops a reader at once when its queue passes four times the limit', async () => {
    await withServer(env(600_000), async (t, connect) => {
      const [publisher, reader, stalled] = await Promise.all([connect(), connect(), connect()]);
      await Promise.all([publisher, reader, stalled].map((c) => c.subscribe('room')));
      stalled.socket.pause();
      let sent = 0;
      while (t.server.metrics.drops.slow_consumer === 0) {
        assert.ok(sent < 2000, 'the stalled reader was never dropped');
        for (let i = 0; i < 20; i += 1)
          publisher.send({ type: 'publish', topic: 'room', data: CHUNK });
        sent += 20;
        await publisher.roundTrip();
      }
      stalled.socket.resume();
      assert.equal((await stalled.waitClosed()).code, 1006);
      await poll(() => reader.publishes('room').length === sent, 'the other reader to get all', {
        timeoutMs: 20_000,
      });
    });
  });
});
