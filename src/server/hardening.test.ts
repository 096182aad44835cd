// Each protection on what a connected client sends, configured through its environment
// variable and shown to act: without the rule the offending client would stay connected or its
// traffic would be relayed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TestClient } from '../testkit/server/TestClient.js';
import { poll } from '../testkit/waitFor.js';
import { bystanders, withServer } from '../testkit/server/withServer.js';

describe('hardening', () => {
  it('closes a connection that sends invalid JSON with 1007, and only that one', async () => {
    await withServer({}, async (t, connect) => {
      const calm = await bystanders(connect);
      const bad = await connect();
      bad.send('not json');
      assert.deepEqual(await bad.waitClosed(), { code: 1007, reason: 'invalid JSON' });
      assert.equal(t.server.metrics.drops.invalid_json, 1);
      await calm.check();
    });
  });

  it('closes a connection that sends a wrong shape with 1008', async () => {
    await withServer({}, async (t, connect) => {
      const calm = await bystanders(connect);
      const shapes = [
        '{"type":"subscribe","topics":"abc"}',
        '{"type":"unsubscribe","topics":"abc"}',
        '{"type":"publish","data":"no topic"}',
        'null',
        '[1,2]',
      ];
      for (const shape of shapes) {
        const bad = await connect();
        bad.send(shape);
        assert.deepEqual(await bad.waitClosed(), { code: 1008, reason: 'invalid message' }, shape);
      }
      assert.equal(t.server.metrics.drops.invalid_message, shapes.length);
      await calm.check();
    });
  });

  it('closes a connection that sends a frame over MAX_FRAME_BYTES with 1009', async () => {
    await withServer({ MAX_FRAME_BYTES: '1024' }, async (t, connect) => {
      const calm = await bystanders(connect);
      const big = await connect();
      await big.subscribe('calm');
      big.send({ type: 'publish', topic: 'calm', data: 'x'.repeat(2000) });
      assert.equal((await big.waitClosed()).code, 1009);
      // Even a 5 MB frame is refused from its header, before it is buffered.
      const huge = await connect();
      huge.send('y'.repeat(5 * 1024 * 1024));
      assert.equal((await huge.waitClosed()).code, 1009);
      assert.equal(t.server.metrics.drops.frame_too_large, 2);
      await calm.check();
    });
  });

  it('closes a connection that subscribes to 10,000 topics, subscribing it to none', async () => {
    await withServer({ MAX_FRAME_BYTES: String(1024 * 1024) }, async (t, connect) => {
      const calm = await bystanders(connect);
      const topics = Array.from({ length: 10_000 }, (_, i) => `topic-${i}`);
      const greedy = await connect();
      greedy.send({ type: 'subscribe', topics });
      assert.deepEqual(await greedy.waitClosed(), { code: 1008, reason: 'too many topics' });
      // One topic per frame ends the same way, at the 101st.
      const patient = await connect();
      for (const topic of topics.slice(0, 200))
        patient.send({ type: 'subscribe', topics: [topic] });
      assert.deepEqual(await patient.waitClosed(), { code: 1008, reason: 'too many topics' });
      await poll(() => t.server.signaling.topicCount === 1, 'only the bystanders topic left');
      assert.equal(t.server.metrics.drops.too_many_topics, 2);
      await calm.check();
    });
  });

  it('closes a connection that subscribes to a topic longer than MAX_TOPIC_LENGTH', async () => {
    await withServer({ MAX_TOPIC_LENGTH: '16' }, async (t, connect) => {
      const client = await connect();
      await client.subscribe('x'.repeat(16));
      client.send({ type: 'subscribe', topics: ['x'.repeat(17)] });
      assert.deepEqual(await client.waitClosed(), { code: 1008, reason: 'topic too long' });
      assert.equal(t.server.signaling.topicCount, 0);
    });
  });

  it('drops publishes beyond the budget until PUBLISH_RATE refills it', async () => {
    await withServer({ PUBLISH_RATE: '5', PUBLISH_BURST: '10' }, async (t, connect) => {
      const [flooder, listener] = await Promise.all([connect(), connect()]);
      await Promise.all([flooder.subscribe('busy'), listener.subscribe('busy')]);
      for (let i = 0; i < 12; i += 1) flooder.send({ type: 'publish', topic: 'busy', data: i });
      await flooder.roundTrip();
      await listener.roundTrip();
      const relayed = listener.publishes('busy').length;
      // A new connection starts with half the burst, plus a token refilled in flight at most.
      assert.ok(relayed >= 5 && relayed <= 6, `relayed ${relayed}`);
      assert.equal(t.server.metrics.drops.rate_limited, 12 - relayed);
      assert.equal(flooder.socket.readyState, flooder.socket.OPEN);
      // The budget refills at 5/s: keep publishing, slower than that, until one is relayed.
      const later = listener.waitFor((m) => m.data === 'later', 'a publish after refill', 3000);
      const timer = setInterval(
        () => flooder.send({ type: 'publish', topic: 'busy', data: 'later' }),
        250,
      );
      await later.finally(() => clearInterval(timer));
      assert.equal(flooder.socket.readyState, flooder.socket.OPEN);
    });
  });

  it('relays nothing published to a topic the sender is not subscribed to', async () => {
    await withServer({}, async (t, connect) => {
      const [member, intruder] = await Promise.all([connect(), connect()]);
      await member.subscribe('private-room');
      await intruder.subscribe('some-other-room');
      const forged = { type: 'signal', to: 'victim', from: 'attacker', signal: { type: 'offer' } };
      intruder.send({ type: 'publish', topic: 'private-room', data: forged });
      intruder.send({ type: 'publish', topic: 'no-such-room', data: forged });
      await intruder.roundTrip();
      await member.roundTrip();
      assert.deepEqual(member.publishes('private-room'), []);
      assert.equal(t.server.metrics.drops.not_subscribed, 2);
      // Not a protocol violation: y-webrtc may publish just after leaving a room.
      assert.equal(intruder.socket.readyState, intruder.socket.OPEN);
    });
  });

  it('drops sockets that stop answering heartbeat pings, and only those', async () => {
    await withServer({ HEARTBEAT_INTERVAL_MS: '100' }, async (t, connect) => {
      const alive = await connect();
      await alive.subscribe('heartbeat');
      const dead = await TestClient.connect(`${t.wsBase}/signal`, { autoPong: false });
      await dead.subscribe('heartbeat');
      const closed = await dead.waitClosed(3000);
      assert.equal(closed.code, 1006); // terminated without a closing handshake
      assert.equal(t.server.metrics.drops.heartbeat_timeout, 1);
      await poll(() => t.server.signaling.connectionCount === 1, 'the dead socket to be forgotten');
      await alive.roundTrip();
      assert.equal(alive.socket.readyState, alive.socket.OPEN);
    });
  });
  it('keeps a socket that sends frames between pings, answered or not', async () => {
    await withServer({ HEARTBEAT_INTERVAL_MS: '100' }, async (t) => {
      const busy = await TestClient.connect(`${t.wsBase}/signal`, { autoPong: false });
      await busy.subscribe('heartbeat');
      // Six heartbeat intervals, each with frames from the client but no pong: time passing is
      // what is tested here.
      const until = Date.now() + 600;
      while (Date.now() < until) {
        await busy.roundTrip();
        await new Promise((wake) => setTimeout(wake, 30));
      }
      assert.equal(t.server.metrics.drops.heartbeat_timeout, 0);
      assert.equal(busy.socket.readyState, busy.socket.OPEN);
    });
  });
  // Readers that stop reading: slowReader.test.ts.
});
