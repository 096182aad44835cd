// Several server processes share rooms over a real redis-server: clients of one room on two
// processes hear each other, /healthz reports Redis, and an outage of Redis degrades each
// process to its local rooms until Redis is back, with nothing restarted by hand.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServer, type ServerProcess } from '../testkit/e2e/serverProcess.js';
import { redisMissing, RedisProcess } from '../testkit/server/redisProcess.js';
import { TestClient } from '../testkit/server/TestClient.js';

interface Health {
  status: string;
  redis?: string;
}

async function health(server: ServerProcess): Promise<Health> {
  const response = await fetch(`${server.url}/healthz`);
  return (await response.json()) as Health;
}

/** Waits until /healthz of every server says `redis`. */
async function redisIs(servers: ServerProcess[], redis: string): Promise<void> {
  let seen: Health[] = [];
  const check = async (): Promise<boolean> => {
    seen = await Promise.all(servers.map(health));
    return seen.every((h) => h.redis === redis);
  };
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`/healthz never said redis ${redis}: ${JSON.stringify(seen)}`);
    await new Promise((wake) => setTimeout(wake, 50));
  }
}

/**
 * Publishes `data` from `from` every 100 ms until `to` has it: right after Redis comes back,
 * the other process may not have subscribed again yet.
 */
async function heard(from: TestClient, to: TestClient, topic: string, data: string): Promise<void> {
  const timer = setInterval(() => from.send({ type: 'publish', topic, data }), 100);
  try {
    await to.waitFor((m) => m.type === 'publish' && m.data === data, `"${data}" to cross`, 15_000);
  } finally {
    clearInterval(timer);
  }
}

describe(
  'rooms shared over Redis by two server processes',
  { skip: redisMissing() ?? false },
  () => {
    let redis: RedisProcess;
    let servers: ServerProcess[] = [];
    let dir: string;
    const clients: TestClient[] = [];
    const connect = async (server: ServerProcess): Promise<TestClient> => {
      const client = await TestClient.connect(`ws://127.0.0.1:${server.port}/signal`);
      clients.push(client);
      return client;
    };

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'meshchat-redis-test-'));
      redis = await RedisProcess.start();
      const env = { REDIS_URL: redis.url, NODE_ENV: 'development' };
      servers = await Promise.all([startServer(dir, env), startServer(dir, env)]);
      await redisIs(servers, 'ok');
    });
    after(async () => {
      for (const client of clients) client.socket.terminate();
      await Promise.all(servers.map((server) => server.stop()));
      await (redis as RedisProcess | undefined)?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('relays a publish to the room’s clients on the other process, and only there', async () => {
      const [one, two] = servers as [ServerProcess, ServerProcess];
      const [a, b, elsewhere] = await Promise.all([connect(one), connect(two), connect(two)]);
      await Promise.all([
        a.subscribe('shared'),
        b.subscribe('shared'),
        elsewhere.subscribe('other'),
      ]);
      await heard(a, b, 'shared', 'from one');
      await heard(b, a, 'shared', 'from two');
      const relayed = b.publishes('shared').find((m) => m.data === 'from one');
      // Exactly the stock relay's fields; `clients` counts this process's subscribers.
      assert.deepEqual(relayed, { type: 'publish', topic: 'shared', data: 'from one', clients: 1 });
      await elsewhere.roundTrip();
      assert.deepEqual(elsewhere.publishes('shared'), []);
      // One publish reaches B once, and echoes to A once: its own process's echo comes back
      // through Redis too, and is not delivered a second time.
      a.send({ type: 'publish', topic: 'shared', data: 'once' });
      await b.waitFor((m) => m.data === 'once', 'the single publish');
      await Promise.all([a.roundTrip(), b.roundTrip()]);
      assert.equal(b.publishes('shared').filter((m) => m.data === 'once').length, 1);
      assert.equal(a.publishes('shared').filter((m) => m.data === 'once').length, 1);
    });

    it('sends a publish to a peer on the other process to that peer’s connection alone', async () => {
      const [one, two] = servers as [ServerProcess, ServerProcess];
      const [a, d, b, c] = await Promise.all([
        connect(one),
        connect(one),
        connect(two),
        connect(two),
      ]);
      const all = [a, d, b, c];
      await Promise.all(all.map((client) => client.subscribe('routed')));
      await heard(a, b, 'routed', 'linked');
      // B (on two) and D (on one) name themselves with a publish.
      b.send({ type: 'publish', topic: 'routed', data: 'b here', from: 'b' });
      d.send({ type: 'publish', topic: 'routed', data: 'd here', from: 'd' });
      await Promise.all([
        a.waitFor((m) => m.data === 'b here', 'b’s announce'),
        c.waitFor((m) => m.data === 'd here', 'd’s announce'),
      ]);
      a.send({ type: 'publish', topic: 'routed', data: 'offer for b', from: 'a', to: 'b' });
      a.send({ type: 'publish', topic: 'routed', data: 'offer for d', from: 'a', to: 'd' });
      await b.waitFor((m) => m.data === 'offer for b', 'the offer to cross to b');
      // Published after the offers on both processes: once it is everywhere, so would they be.
      a.send({ type: 'publish', topic: 'routed', data: 'marker' });
      await Promise.all(
        all.map((client) => client.waitFor((m) => m.data === 'marker', 'the marker')),
      );
      const offers = (client: TestClient): unknown[] =>
        client
          .publishes('routed')
          .map((m) => m.data)
          .filter((data) => String(data).startsWith('offer'));
      assert.deepEqual(offers(b), ['offer for b']);
      assert.deepEqual(offers(c), []);
      assert.deepEqual(offers(d), ['offer for b', 'offer for d']);
      // One does not know where B is, so its own clients get that offer as from a stock server.
      assert.deepEqual(offers(a), ['offer for b']);
    });

    it('keeps local rooms going while Redis is down, and shares them again once it is back', async () => {
      const [one, two] = servers as [ServerProcess, ServerProcess];
      const [a, local, b] = await Promise.all([connect(one), connect(one), connect(two)]);
      await Promise.all([a.subscribe('outage'), local.subscribe('outage'), b.subscribe('outage')]);
      await heard(a, b, 'outage', 'before');

      await redis.kill();
      await redisIs(servers, 'down');
      assert.equal((await health(one)).status, 'degraded');
      await heard(a, local, 'outage', 'during, same process');

      await redis.restart();
      await redisIs(servers, 'ok');
      await heard(a, b, 'outage', 'after, across processes');
      await heard(b, a, 'outage', 'after, the other way');
      assert.equal((await health(two)).status, 'ok');
    });
  },
);
