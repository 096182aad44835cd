// Routed signaling against the real server process: a client that said hello gets offers meant
// for it alone, announces reach a sample of the room, stock clients see what they always saw,
// and no connection can take over another's peer id (the offers for that peer would go to it).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ServerProcess } from '../testkit/e2e/serverProcess.js';
import type { TestClient } from '../testkit/server/TestClient.js';
import { serverSuite } from '../testkit/server/withServer.js';

/** A drop counter of the server's /metrics (0 while the series does not exist). */
async function drops(server: ServerProcess, reason: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const match = new RegExp(`meshchat_signaling_drops_total\\{reason="${reason}"\\} (\\d+)`).exec(
    text,
  );
  return Number(match?.[1] ?? 0);
}

/** A gauge of the server's /metrics. */
async function gauge(server: ServerProcess, name: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const match = new RegExp(`^${name} (\\d+)$`, 'm').exec(text);
  assert.ok(match, `${name} in /metrics`);
  return Number(match[1]);
}

/** Resolves once `check` holds (checked every 20 ms, for at most 5 s). */
async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('routed signaling, server process', () => {
  const suite = serverSuite('targeted-test');
  const connect = (): Promise<TestClient> => suite.connect();
  /** Everyone's frames so far have been handled, and what they caused has arrived. */
  const settle = (all: TestClient[]): Promise<unknown> =>
    Promise.all(all.map((c) => c.roundTrip()));

  it('answers hello with the route feature', async () => {
    const client = await connect();
    const answer = client.waitFor((m) => m.type === 'hello', 'the hello answer');
    client.send({ type: 'hello' });
    assert.deepEqual(await answer, { type: 'hello', features: ['route'] });
  });

  it('sends an offer to its target alone; a stock client still sees its own room', async () => {
    const [a, b, c, stock] = await Promise.all([connect(), connect(), connect(), connect()]);
    const all = [a, b, c, stock];
    await Promise.all(all.map((client) => client.subscribe('room')));
    // B and C register their peer ids with their announces; the stock client announces as ever.
    b.send({ type: 'publish', topic: 'room', data: 'announce b', from: 'b' });
    c.send({ type: 'publish', topic: 'room', data: 'announce c', from: 'c' });
    stock.send({ type: 'publish', topic: 'room', data: 'announce stock' });
    await settle(all);
    for (const client of all) {
      const heard = client.publishes('room').map((m) => m.data);
      assert.deepEqual(heard.sort(), ['announce b', 'announce c', 'announce stock']);
    }
    a.send({ type: 'publish', topic: 'room', data: 'offer for b', from: 'a', to: 'b' });
    // The stock client never named itself: an offer for it goes to everyone, as today.
    a.send({ type: 'publish', topic: 'room', data: 'offer for stock', from: 'a', to: 'stock-id' });
    await settle(all);
    const heard = (client: TestClient): unknown[] =>
      client
        .publishes('room')
        .map((m) => m.data)
        .filter((d) => String(d).startsWith('offer'));
    assert.deepEqual(heard(b), ['offer for b', 'offer for stock']);
    assert.deepEqual(heard(c), ['offer for stock']);
    assert.deepEqual(heard(stock), ['offer for stock']);
    assert.deepEqual(heard(a), ['offer for stock']);
    // The relayed frame is exactly the stock shape: the route is not passed on.
    assert.deepEqual(
      b.publishes('room').find((m) => m.data === 'offer for b'),
      {
        type: 'publish',
        topic: 'room',
        data: 'offer for b',
        clients: 4,
      },
    );
  });

  it('refuses a publish with a peer id another connection holds (impersonation)', async () => {
    const [victim, attacker, dialer] = await Promise.all([connect(), connect(), connect()]);
    const all = [victim, attacker, dialer];
    await Promise.all(all.map((client) => client.subscribe('attacked')));
    const before = await drops(suite.server, 'impersonation');
    victim.send({ type: 'publish', topic: 'attacked', data: 'hello from v', from: 'v' });
    await settle(all);
    // The attacker claims the victim's id, to receive the offers meant for it.
    attacker.send({ type: 'publish', topic: 'attacked', data: 'forged', from: 'v', to: 'd' });
    await settle(all);
    dialer.send({ type: 'publish', topic: 'attacked', data: 'offer for v', from: 'd', to: 'v' });
    await settle(all);
    const data = (client: TestClient): unknown[] => client.publishes('attacked').map((m) => m.data);
    assert.deepEqual(data(victim), ['hello from v', 'offer for v']);
    assert.deepEqual(data(attacker), ['hello from v']);
    assert.deepEqual(data(dialer), ['hello from v']);
    assert.equal(await drops(suite.server, 'impersonation'), before + 1);
    // Once the server has seen the victim leave, its id is free again (a rejoin on a new
    // connection); the client's close can finish before the server's, so try until it does.
    await victim.close();
    const retry = setInterval(
      () => attacker.send({ type: 'publish', topic: 'attacked', data: 'now mine', from: 'v' }),
      50,
    );
    try {
      await dialer.waitFor((m) => m.data === 'now mine', 'the freed id to be usable');
    } finally {
      clearInterval(retry);
    }
  });

  it('gives a reconnected client its peer id back while its old connection lingers', async () => {
    // A client's network drops and it reconnects at once; the server drops the old socket only
    // after its heartbeat goes unanswered. Until then the old connection held the id: the
    // client's routed publishes were refused, and offers for it went into the dead socket.
    const [old, dialer, attacker] = await Promise.all([connect(), connect(), connect()]);
    await Promise.all([old, dialer, attacker].map((client) => client.subscribe('reconnect')));
    const secret = 'c2VjcmV0LW9mLXRoZS1jbGllbnQ';
    old.send({ type: 'publish', topic: 'reconnect', from: 'p', sample: 0, secret });
    await settle([old, dialer, attacker]);
    const fresh = await connect();
    await fresh.subscribe('reconnect');
    const all = [old, fresh, dialer, attacker];
    const before = await drops(suite.server, 'impersonation');
    attacker.send({ type: 'publish', topic: 'reconnect', from: 'p', secret: 'x'.repeat(27) });
    fresh.send({ type: 'publish', topic: 'reconnect', from: 'p', sample: 0, secret });
    fresh.send({ type: 'publish', topic: 'reconnect', data: 'announce p', from: 'p', secret });
    await settle(all);
    dialer.send({ type: 'publish', topic: 'reconnect', data: 'offer for p', from: 'd', to: 'p' });
    await settle(all);
    const data = (client: TestClient): unknown[] =>
      client.publishes('reconnect').map((m) => m.data);
    assert.deepEqual(data(dialer), ['announce p']);
    assert.deepEqual(data(fresh), ['announce p', 'offer for p']);
    assert.deepEqual(data(old), ['announce p']);
    assert.equal(await drops(suite.server, 'impersonation'), before + 1);
    // When the old connection is gone at last, the id stays with the new one.
    const subscribed = await gauge(suite.server, 'meshchat_signaling_subscriptions');
    await old.close();
    await until(
      'the server to see the old connection close',
      async () => (await gauge(suite.server, 'meshchat_signaling_subscriptions')) < subscribed,
    );
    dialer.send({ type: 'publish', topic: 'reconnect', data: 'offer again', from: 'd', to: 'p' });
    await settle([fresh, dialer, attacker]);
    assert.deepEqual(data(fresh), ['announce p', 'offer for p', 'offer again']);
    assert.deepEqual(data(attacker), ['announce p']);
  });

  it('sends a sampled announce to that many other members', async () => {
    const members = await Promise.all(Array.from({ length: 12 }, () => connect()));
    await Promise.all(members.map((client) => client.subscribe('sampled')));
    const [sender] = members as [TestClient];
    sender.send({ type: 'publish', topic: 'sampled', data: 'here', from: 's', sample: 5 });
    await settle(members);
    const reached = members.filter((client) => client.publishes('sampled').length > 0);
    assert.equal(reached.length, 5);
    assert.ok(!reached.includes(sender));
  });
});
