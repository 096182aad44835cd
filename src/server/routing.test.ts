import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_PEER_IDS_PER_TOPIC } from './PeerRoutes.js';
import { SignalingHub, type Subscriber } from './SignalingHub.js';

class FakeSubscriber implements Subscriber {
  readonly frames: string[] = [];
  send(frame: Buffer): void {
    this.frames.push(frame.toString());
  }
}

const limits = { maxTopicsPerConnection: 3, maxTopicLength: 8 };

/** A hub with `n` subscribers of 'room'. */
function room(n: number): { hub: SignalingHub<FakeSubscriber>; peers: FakeSubscriber[] } {
  const hub = new SignalingHub<FakeSubscriber>(limits);
  const peers = Array.from({ length: n }, () => new FakeSubscriber());
  for (const peer of peers) hub.subscribe(peer, ['room']);
  return { hub, peers };
}

const offer = '{"type":"publish","topic":"room","data":"offer","clients":3}';

describe('SignalingHub routes', () => {
  it('sends a publish to a registered peer to that connection alone', () => {
    const { hub, peers } = room(3);
    const [a, b, c] = peers as [FakeSubscriber, FakeSubscriber, FakeSubscriber];
    hub.publish(b, 'room', 'announce', { from: 'b' });
    for (const peer of peers) peer.frames.length = 0;
    const outcome = hub.publish(a, 'room', 'offer', { from: 'a', to: 'b' });
    assert.deepEqual(outcome, {
      ok: true,
      receivers: 1,
      frameBytes: offer.length,
      delivered: true,
    });
    assert.deepEqual(b.frames, [offer]);
    assert.deepEqual([a.frames, c.frames], [[], []]);
  });

  it('relays to everyone, as without a route, when the target is unknown', () => {
    const { hub, peers } = room(3);
    const outcome = hub.publish(peers[0] as FakeSubscriber, 'room', 'offer', { to: 'stock' });
    assert.ok(outcome.ok && !outcome.delivered && outcome.receivers === 3);
    assert.ok(peers.every((peer) => peer.frames.length === 1));
  });

  it('refuses a from that another connection holds: its offers stay with their owner', () => {
    const { hub, peers } = room(3);
    const [victim, attacker, dialer] = peers as [FakeSubscriber, FakeSubscriber, FakeSubscriber];
    hub.publish(victim, 'room', 'announce', { from: 'v' });
    assert.deepEqual(hub.publish(attacker, 'room', 'forged', { from: 'v', to: 'd' }), {
      ok: false,
      reason: 'impersonation',
    });
    for (const peer of peers) peer.frames.length = 0;
    hub.publish(dialer, 'room', 'offer', { from: 'd', to: 'v' });
    assert.equal(victim.frames.length, 1);
    assert.deepEqual(attacker.frames, []);
  });

  it('moves a peer id to a connection that claims it with the secret it was claimed with', () => {
    const { hub, peers } = room(4);
    const [old, fresh, attacker, dialer] = peers as [
      FakeSubscriber,
      FakeSubscriber,
      FakeSubscriber,
      FakeSubscriber,
    ];
    const secret = 's'.repeat(32);
    hub.publish(old, 'room', 'announce', { from: 'p', secret, sample: 0 });
    // Another member cannot take the id, with no secret or a wrong one.
    assert.deepEqual(hub.publish(attacker, 'room', 'x', { from: 'p' }), {
      ok: false,
      reason: 'impersonation',
    });
    assert.deepEqual(hub.publish(attacker, 'room', 'x', { from: 'p', secret: 't'.repeat(32) }), {
      ok: false,
      reason: 'impersonation',
    });
    // The same client on a new connection, the old one not closed yet.
    assert.ok(hub.publish(fresh, 'room', 'announce', { from: 'p', secret }).ok);
    for (const peer of peers) peer.frames.length = 0;
    hub.publish(dialer, 'room', 'offer', { from: 'd', to: 'p' });
    assert.deepEqual([old.frames.length, fresh.frames.length], [0, 1]);
    // The old connection closing at last leaves the id with the new one.
    hub.remove(old);
    hub.publish(dialer, 'room', 'offer', { from: 'd', to: 'p' });
    assert.equal(fresh.frames.length, 2);
    assert.equal(attacker.frames.length, 0);
  });

  it('frees a peer id when its connection unsubscribes or leaves', () => {
    const { hub, peers } = room(3);
    const [first, second, third] = peers as [FakeSubscriber, FakeSubscriber, FakeSubscriber];
    hub.publish(first, 'room', 'x', { from: 'p' });
    hub.unsubscribe(first, ['room']);
    assert.equal(hub.publish(second, 'room', 'x', { from: 'p' }).ok, true);
    hub.remove(second);
    assert.equal(hub.publish(third, 'room', 'x', { from: 'p' }).ok, true);
    // The same id in another topic is another peer.
    hub.subscribe(first, ['other']);
    assert.equal(hub.publish(first, 'other', 'x', { from: 'p' }).ok, true);
  });

  it('bounds the peer ids one connection may claim in a topic', () => {
    const { hub, peers } = room(1);
    const a = peers[0] as FakeSubscriber;
    for (let i = 0; i < MAX_PEER_IDS_PER_TOPIC; i += 1) {
      assert.equal(hub.publish(a, 'room', 'x', { from: `p${i}` }).ok, true);
    }
    assert.deepEqual(hub.publish(a, 'room', 'x', { from: 'one-more' }), {
      ok: false,
      reason: 'too_many_peer_ids',
    });
    assert.equal(hub.publish(a, 'room', 'x', { from: 'p0' }).ok, true);
  });

  it('sends a sampled publish to that many distinct others, never the sender', () => {
    const { hub, peers } = room(50);
    const sender = peers[0] as FakeSubscriber;
    const reached = new Set<FakeSubscriber>();
    for (let round = 0; round < 40; round += 1) {
      for (const peer of peers) peer.frames.length = 0;
      const outcome = hub.publish(sender, 'room', 'announce', { from: 's', sample: 6 });
      assert.ok(outcome.ok && outcome.receivers === 6);
      const got = peers.filter((peer) => peer.frames.length > 0);
      assert.equal(got.length, 6);
      assert.ok(got.every((peer) => peer.frames.length === 1) && !got.includes(sender));
      for (const peer of got) reached.add(peer);
    }
    // Random, not always the same six: 40 rounds reach most of the room.
    assert.ok(reached.size > 30, `only ${reached.size} peers were ever sampled`);
    for (const peer of peers) peer.frames.length = 0;
    // Sample 0: nobody receives it, and its from is registered (a client naming itself).
    const claim = hub.publish(peers[1] as FakeSubscriber, 'room', undefined, {
      from: 'c',
      sample: 0,
    });
    assert.ok(claim.ok && claim.receivers === 0);
    assert.ok(peers.every((peer) => peer.frames.length === 0));
    hub.publish(sender, 'room', 'offer', { from: 's', to: 'c' });
    assert.equal(peers[1]?.frames.length, 1);
    const small = room(3);
    const outcome = small.hub.publish(small.peers[0] as FakeSubscriber, 'room', 'a', { sample: 9 });
    assert.ok(outcome.ok && outcome.receivers === 2);
  });

  it('routes what another process relayed to the registered connection, else to everyone', () => {
    const { hub, peers } = room(3);
    const [a, b] = peers as [FakeSubscriber, FakeSubscriber];
    hub.publish(b, 'room', 'announce', { from: 'b' });
    for (const peer of peers) peer.frames.length = 0;
    assert.equal(
      hub.deliver('room', () => 'to b', { to: 'b' }),
      1,
    );
    assert.deepEqual(b.frames, ['to b']);
    assert.equal(
      hub.deliver('room', () => 'to elsewhere', { to: 'z' }),
      3,
    );
    assert.equal(
      hub.deliver('room', () => 'sampled', { sample: 2 }),
      2,
    );
    assert.equal(a.frames.includes('to b'), false);
  });
});
