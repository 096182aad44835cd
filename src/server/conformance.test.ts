// The signaling protocol over real sockets, as y-webrtc's stock client and server speak it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, TestClient, type TestServer } from '../testkit/server/TestClient.js';
import { poll } from '../testkit/waitFor.js';

describe('signaling protocol over real sockets', () => {
  let t: TestServer;
  const clients: TestClient[] = [];
  const connect = async (path = '/signal'): Promise<TestClient> => {
    const client = await TestClient.connect(`${t.wsBase}${path}`);
    clients.push(client);
    return client;
  };

  before(async () => {
    // The byte budget holds every frame size at once (a new connection starts with half).
    t = await startTestServer({ MAX_FRAME_BYTES: String(300_000), PUBLISH_BYTES_BURST: '1000000' });
  });
  after(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await t.stop();
  });

  it('answers ping with pong', async () => {
    const client = await connect();
    client.send({ type: 'ping' });
    assert.deepEqual(await client.waitFor((m) => m.type === 'pong', 'pong'), { type: 'pong' });
  });

  it('fans a publish out to every subscriber, the sender included, with clients', async () => {
    const [a, b, c, outsider] = await Promise.all([connect(), connect('/'), connect(), connect()]);
    await Promise.all([a, b, c].map((client) => client.subscribe('room-1')));
    await outsider.subscribe('room-2');
    const data = { type: 'announce', from: 'peer-a' };
    a.send({ type: 'publish', topic: 'room-1', data });
    const expected = { type: 'publish', topic: 'room-1', data, clients: 3 };
    for (const client of [a, b, c]) {
      assert.deepEqual(await client.waitFor((m) => m.type === 'publish', 'publish'), expected);
    }
    await outsider.roundTrip();
    assert.deepEqual(outsider.publishes('room-1'), []);
  });

  it('relays data of any JSON type verbatim (encrypted rooms send base64 strings)', async () => {
    const [a, b] = await Promise.all([connect(), connect()]);
    await Promise.all([a.subscribe('verbatim'), b.subscribe('verbatim')]);
    const payloads = ['c2VjcmV0IG9mZmVy', { nested: [1, 'two', { three: null }] }, 42, 'ünïcødé ☃'];
    for (const data of payloads) a.send({ type: 'publish', topic: 'verbatim', data });
    await poll(() => b.publishes('verbatim').length === payloads.length, 'all payloads');
    assert.deepEqual(
      b.publishes('verbatim').map((m) => m.data),
      payloads,
    );
  });

  it('relays frames of every WebSocket header size intact', async () => {
    const [a, b] = await Promise.all([connect(), connect()]);
    await Promise.all([a.subscribe('sizes'), b.subscribe('sizes')]);
    // Relayed frames are encoded by the server itself; 125/126 and 65535/65536 payload bytes
    // are where the length field changes size.
    const overhead = JSON.stringify({
      type: 'publish',
      topic: 'sizes',
      data: '',
      clients: 2,
    }).length;
    const sizes = [10, 125, 126, 65_535, 65_536, 250_000].map((n) => Math.max(0, n - overhead));
    for (const n of sizes) a.send({ type: 'publish', topic: 'sizes', data: 'x'.repeat(n) });
    await poll(() => b.publishes('sizes').length === sizes.length, 'all sizes');
    assert.deepEqual(
      b.publishes('sizes').map((m) => (m.data as string).length),
      sizes,
    );
  });

  it('stops relaying to a connection after it unsubscribes', async () => {
    const [a, b] = await Promise.all([connect(), connect()]);
    await Promise.all([a.subscribe('leave-me'), b.subscribe('leave-me')]);
    b.send({ type: 'unsubscribe', topics: ['leave-me'] });
    await b.roundTrip();
    a.send({ type: 'publish', topic: 'leave-me', data: 'after' });
    const echo = await a.waitFor((m) => m.type === 'publish', 'echo');
    assert.equal(echo.clients, 1);
    await b.roundTrip();
    assert.deepEqual(b.publishes('leave-me'), []);
  });

  it('removes a topic when its last subscriber unsubscribes or disconnects', async () => {
    const before = t.server.signaling.topicCount;
    const [a, b] = await Promise.all([connect(), connect()]);
    await a.subscribe('ephemeral-1', 'ephemeral-2');
    await b.subscribe('ephemeral-2');
    assert.equal(t.server.signaling.topicCount, before + 2);
    a.send({ type: 'unsubscribe', topics: ['ephemeral-1'] });
    await a.roundTrip();
    assert.equal(t.server.signaling.topicCount, before + 1);
    await a.close();
    await b.close();
    await poll(() => t.server.signaling.topicCount === before, 'topics to be removed');
  });

  it('ignores messages of unknown type without disconnecting (like the stock server)', async () => {
    const client = await connect();
    client.send({ type: 'something-newer', payload: 1 });
    await client.roundTrip();
    assert.equal(t.server.metrics.drops.unknown_type >= 1, true);
  });

  it('accepts JSON sent in binary frames, as the stock server does', async () => {
    const client = await connect();
    const pong = client.waitFor((m) => m.type === 'pong', 'pong');
    client.socket.send(Buffer.from('{"type":"ping"}'), { binary: true });
    await pong;
  });

  it('accepts upgrades on /signal and on the bare origin only', async () => {
    await connect('/');
    await connect('/signal?room=x');
    await assert.rejects(TestClient.connect(`${t.wsBase}/elsewhere`), /HTTP 404/);
    assert.equal(t.server.metrics.rejectedUpgrades.bad_path, 1);
  });
});
