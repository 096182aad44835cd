// A hostile client in the same room as two well-behaved ones: while it throws everything it has
// at the server, the good pair's conversation keeps flowing, in order and promptly.
import assert from 'node:assert/strict';
import { connect as tcpConnect } from 'node:net';
import { describe, it } from 'node:test';
import { startTestServer, TestClient } from '../testkit/server/TestClient.js';
import { WAIT_MS, withTimeout } from '../testkit/waitFor.js';

const ROOM = 'shared-room';

describe('a hostile client in the same room', () => {
  it('never disturbs the well-behaved clients', async () => {
    // Default limits: the good pair's 50 messages each fit the default publish burst.
    const t = await startTestServer();
    const url = `${t.wsBase}/signal`;
    const [a, b, hostile] = await Promise.all([
      TestClient.connect(url),
      TestClient.connect(url),
      TestClient.connect(url),
    ]);
    const opened: TestClient[] = [];
    try {
      await Promise.all([a, b, hostile].map((client) => client.subscribe(ROOM)));
      let attacks = 0;
      const state = { talking: true };

      /** One round of every attack; each disposable connection is expected to be closed. */
      const attackRound = async (): Promise<void> => {
        // A flood of forged offers in the shared room: rate-limited to the burst.
        for (let i = 0; i < 200; i += 1) {
          hostile.send({
            type: 'publish',
            topic: ROOM,
            data: { type: 'signal', to: 'a', from: 'evil' },
          });
        }
        const frames: (string | Buffer)[] = [
          'not json',
          '{"type":"subscribe","topics":"abc"}',
          JSON.stringify({
            type: 'subscribe',
            topics: Array.from({ length: 10_000 }, (_, i) => `${i}`),
          }),
          'x'.repeat(200_000),
          Buffer.from([0xff, 0xfe, 0xfd]), // not UTF-8, sent as a text frame
        ];
        for (const frame of frames) {
          const attacker = await TestClient.connect(url);
          opened.push(attacker);
          attacker.socket.send(frame, { binary: false });
          await attacker.waitClosed();
        }
        // Publishing into the room without subscribing: must never reach a or b.
        const outsider = await TestClient.connect(url);
        opened.push(outsider);
        outsider.send({ type: 'publish', topic: ROOM, data: { type: 'signal', from: 'outsider' } });
        await outsider.roundTrip();
        await outsider.close();
        // Raw garbage on TCP connections: a TLS hello, and an upgrade to a malformed URL.
        for (const garbage of [
          '\x16\x03\x01 garbage \r\n\r\n',
          'GET http://[ HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
        ]) {
          await new Promise<void>((resolve) => {
            const socket = tcpConnect(Number(new URL(url).port), '127.0.0.1');
            socket.on('connect', () => socket.end(garbage));
            socket.setTimeout(WAIT_MS, () => socket.destroy());
            socket.on('error', () => resolve());
            socket.on('close', () => resolve());
            socket.resume();
          });
        }
        attacks += 1;
      };

      const attackStartedAt = performance.now();
      const attack = (async () => {
        while (state.talking) await attackRound();
      })();

      // The good pair's conversation: 100 messages, alternating sides, each awaited by the other.
      const latencies: number[] = [];
      let attackError: unknown = null;
      try {
        await withTimeout(
          (async () => {
            for (let i = 0; i < 100; i += 1) {
              const [from, to] = i % 2 === 0 ? [a, b] : [b, a];
              const startedAt = performance.now();
              const arrived = to.waitFor(
                (m) => m.type === 'publish' && m.data === `hello ${i}`,
                `hello ${i}`,
              );
              from.send({ type: 'publish', topic: ROOM, data: `hello ${i}` });
              await arrived;
              latencies.push(performance.now() - startedAt);
              if (i === 50) assert.ok(attacks >= 1 || opened.length > 0, 'the attack is under way');
            }
          })(),
          'the good clients to finish talking',
          60_000,
        );
      } finally {
        state.talking = false;
        attackError = await attack.then(
          () => null,
          (error: unknown) => error,
        );
      }
      assert.equal(attackError, null, 'every attack connection was refused or closed');

      assert.ok(attacks >= 1, `attack rounds completed: ${attacks}`);
      for (const client of [a, b]) {
        assert.equal(client.socket.readyState, client.socket.OPEN);
        const good = client.publishes(ROOM).filter((m) => typeof m.data === 'string');
        // Every message of the pair arrived, in order (each side also gets its own echo).
        assert.deepEqual(
          good.map((m) => m.data),
          Array.from({ length: 100 }, (_, i) => `hello ${i}`),
        );
        assert.equal(
          client.publishes(ROOM).some((m) => JSON.stringify(m.data).includes('outsider')),
          false,
        );
      }
      latencies.sort((x, y) => x - y);
      assert.ok((latencies[98] ?? Infinity) < 1000, `p99 latency ${latencies[98] ?? NaN} ms`);
      const forged = a
        .publishes(ROOM)
        .filter((m) => JSON.stringify(m.data).includes('evil')).length;
      const { publishBurst, publishRatePerSec } = t.config.limits;
      const seconds = (performance.now() - attackStartedAt) / 1000;
      assert.ok(forged <= publishBurst + publishRatePerSec * seconds + 1, `forged: ${forged}`);
      assert.ok(t.server.metrics.drops.rate_limited > 0);
    } finally {
      // Cleanup in finally: a failing run must not leave sockets that keep the process alive.
      for (const client of [a, b, hostile, ...opened]) client.socket.terminate();
      await t.stop();
    }
  });
});
