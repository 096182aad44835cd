// What a client can hold open over plain HTTP, per-/64 counting of IPv6 clients, and the
// start-up warning for a signaling server any web page may use.
import assert from 'node:assert/strict';
import { connect as tcpConnect } from 'node:net';
import { describe, it } from 'node:test';
import { startTestServer, TestClient, type TestServer } from '../testkit/server/TestClient.js';
import { withTimeout } from '../testkit/waitFor.js';
import { withServer } from '../testkit/server/withServer.js';

/** Opens a TCP connection, sends `partial` and never finishes; resolves with what came back. */
function slowLoris(port: number, partial: string): { closed: Promise<string>; end(): void } {
  const socket = tcpConnect(port, '127.0.0.1', () => socket.write(partial));
  let answer = '';
  socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
  socket.on('error', () => socket.destroy());
  return {
    closed: new Promise((resolve) => socket.on('close', () => resolve(answer))),
    end: () => socket.destroy(),
  };
}

function portOf(t: TestServer): number {
  return Number(new URL(t.httpBase).port);
}

describe('HTTP limits', () => {
  it('closes a connection whose headers do not arrive within HTTP_HEADERS_TIMEOUT_MS', async () => {
    await withServer({ HTTP_HEADERS_TIMEOUT_MS: '300' }, async (t, connect) => {
      const requests = [
        'GET / HTTP/1.1\r\nHost: x\r\n',
        'GET /signal HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n',
      ].map((partial) => slowLoris(portOf(t), partial));
      try {
        // Node's own defaults kept such a socket for a minute or more.
        for (const request of requests) {
          const answer = await withTimeout(request.closed, 'the server to close it', 5000);
          assert.match(answer, /^(HTTP\/1\.1 408 |$)/);
        }
      } finally {
        for (const request of requests) request.end();
      }
      const client = await connect();
      await client.roundTrip();
    });
  });

  it('refuses a request head over 16 KiB with 431', async () => {
    await withServer({}, async (t) => {
      const head = `GET / HTTP/1.1\r\nHost: x\r\nX: ${'a'.repeat(20_000)}\r\n\r\n`;
      const big = slowLoris(portOf(t), head);
      try {
        assert.match(await withTimeout(big.closed, 'a reply to a 20 KB head'), /^HTTP\/1\.1 431 /);
      } finally {
        big.end();
      }
    });
  });
});

describe('IPv6 clients', () => {
  it('count per /64 against MAX_CONNECTIONS_PER_IP', async () => {
    const via = (t: TestServer, address: string): Promise<TestClient> =>
      TestClient.connect(`${t.wsBase}/signal`, { headers: { 'X-Forwarded-For': address } });
    await withServer({ MAX_CONNECTIONS_PER_IP: '2', TRUST_PROXY: 'true' }, async (t) => {
      const clients = [await via(t, '2001:db8:1:2::1'), await via(t, '2001:db8:1:2::beef')];
      // A third address of the same /64 is the same client; another /64 is not.
      await assert.rejects(via(t, '2001:db8:1:2:ffff::7'), /HTTP 429/);
      clients.push(await via(t, '2001:db8:1:3::1'));
      assert.equal(t.server.metrics.rejectedUpgrades.address_limit, 1);
      await Promise.all(clients.map((client) => client.close()));
    });
  });
});

describe('start-up warnings', () => {
  const warned = (t: TestServer): boolean =>
    t.logger.lines.some((line) => line.level === 'warn' && line.msg.includes('ALLOWED_ORIGINS'));

  it('warns when ALLOWED_ORIGINS is unset, except with NODE_ENV=development', async () => {
    for (const [env, expected] of [
      [{}, true],
      [{ NODE_ENV: 'production' }, true],
      [{ NODE_ENV: 'development' }, false],
      [{ ALLOWED_ORIGINS: 'https://chat.example' }, false],
    ] as const) {
      const t = await startTestServer(env);
      try {
        assert.equal(warned(t), expected, JSON.stringify(env));
      } finally {
        await t.stop();
      }
    }
  });
});
