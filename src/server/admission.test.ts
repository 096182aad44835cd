// Who may connect at all: malformed requests, per-address and total connection limits, proxy
// addresses and the Origin allow-list. Each refusal happens before a WebSocket exists.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TestClient, type TestServer } from '../testkit/server/TestClient.js';
import { poll } from '../testkit/waitFor.js';
import { bystanders, rawRequest, withServer } from '../testkit/server/withServer.js';

describe('admission of WebSocket upgrades', () => {
  it('answers malformed request targets with an error instead of crashing', async () => {
    await withServer({}, async (t, connect) => {
      const calm = await bystanders(connect);
      const port = Number(new URL(t.httpBase).port);
      const upgrade =
        'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';
      // Origin-form "//evil/signal" is the path //evil/signal, not host evil: no upgrade there.
      const cases: [string, string][] = [
        ['http://[', upgrade],
        ['http://%zz/', upgrade],
        ['//evil/signal', upgrade],
        ['http://[', ''],
        ['http://%zz/', ''],
      ];
      for (const [target, extra] of cases) {
        const status = await rawRequest(port, `GET ${target} HTTP/1.1\r\nHost: x\r\n${extra}\r\n`);
        assert.match(status, /^HTTP\/1\.1 4\d\d /, `${target} ${extra === '' ? 'GET' : 'upgrade'}`);
      }
      await calm.check();
    });
  });

  it('refuses connections beyond MAX_CONNECTIONS_PER_IP with HTTP 429', async () => {
    await withServer({ MAX_CONNECTIONS_PER_IP: '3' }, async (t, connect) => {
      const first = await connect();
      await connect();
      await connect();
      await assert.rejects(TestClient.connect(`${t.wsBase}/signal`), /HTTP 429/);
      assert.equal(t.server.metrics.rejectedUpgrades.address_limit, 1);
      await first.close();
      await poll(() => t.server.signaling.connectionCount === 2, 'the slot to be freed');
      await connect();
    });
  });

  it('counts addresses from X-Forwarded-For only when TRUST_PROXY is set', async () => {
    const via = (t: TestServer, address: string): Promise<TestClient> =>
      TestClient.connect(`${t.wsBase}/signal`, {
        headers: { 'X-Forwarded-For': `1.2.3.4, ${address}` },
      });
    await withServer({ MAX_CONNECTIONS_PER_IP: '1', TRUST_PROXY: 'true' }, async (t) => {
      const clients = [await via(t, '10.0.0.1'), await via(t, '10.0.0.2')];
      await assert.rejects(via(t, '10.0.0.1'), /HTTP 429/);
      await Promise.all(clients.map((client) => client.close()));
    });
    await withServer({ MAX_CONNECTIONS_PER_IP: '1' }, async (t) => {
      const client = await via(t, '10.0.0.1');
      await assert.rejects(via(t, '10.0.0.2'), /HTTP 429/);
      await client.close();
    });
  });

  it('refuses connections beyond MAX_CONNECTIONS with HTTP 503', async () => {
    await withServer({ MAX_CONNECTIONS: '2' }, async (t, connect) => {
      await connect();
      await connect();
      await assert.rejects(TestClient.connect(`${t.wsBase}/`), /HTTP 503/);
      assert.equal(t.server.metrics.rejectedUpgrades.capacity, 1);
    });
  });

  it('accepts only allowed Origins when ALLOWED_ORIGINS is set', async () => {
    await withServer(
      { ALLOWED_ORIGINS: 'https://chat.example, http://localhost:8080' },
      async (t) => {
        const ok = await TestClient.connect(`${t.wsBase}/signal`, {
          origin: 'https://chat.example',
        });
        await ok.roundTrip();
        await assert.rejects(
          TestClient.connect(`${t.wsBase}/signal`, { origin: 'https://evil.example' }),
          /HTTP 403/,
        );
        await assert.rejects(TestClient.connect(`${t.wsBase}/signal`), /HTTP 403/);
        assert.equal(t.server.metrics.rejectedUpgrades.origin, 2);
        await ok.close();
      },
    );
  });
});
