import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SignalingHub, type Subscriber } from './SignalingHub.js';

class FakeSubscriber implements Subscriber {
  readonly frames: string[] = [];
  send(frame: Buffer): void {
    this.frames.push(frame.toString());
  }
}

const limits = { maxTopicsPerConnection: 3, maxTopicLength: 8 };

describe('SignalingHub', () => {
  it('relays a publish to every subscriber, the sender included, with clients set', () => {
    const hub = new SignalingHub<FakeSubscriber>(limits);
    const [a, b, outsider] = [new FakeSubscriber(), new FakeSubscriber(), new FakeSubscriber()];
    hub.subscribe(a, ['room']);
    hub.subscribe(b, ['room']);
    hub.subscribe(outsider, ['other']);
    const outcome = hub.publish(a, 'room', { type: 'announce', from: 'a' });
    assert.equal(outcome.ok && outcome.receivers, 2);
    const expected =
      '{"type":"publish","topic":"room","data":{"type":"announce","from":"a"},"clients":2}';
    assert.deepEqual(a.frames, [expected]);
    assert.deepEqual(b.frames, [expected]);
    assert.deepEqual(outsider.frames, []);
  });

  it('serializes each publish once, however many subscribers receive it', () => {
    let encodes = 0;
    const hub = new SignalingHub<FakeSubscriber>(limits, (text) => {
      encodes += 1;
      return Buffer.from(text);
    });
    const sender = new FakeSubscriber();
    const subscribers = [sender, ...Array.from({ length: 49 }, () => new FakeSubscriber())];
    for (const subscriber of subscribers) hub.subscribe(subscriber, ['room']);
    hub.publish(sender, 'room', 'x');
    assert.equal(encodes, 1);
    assert.ok(subscribers.every((subscriber) => subscriber.frames.length === 1));
  });

  it('refuses a publish from a connection that is not subscribed to the topic', () => {
    const hub = new SignalingHub<FakeSubscriber>(limits);
    const [member, intruder] = [new FakeSubscriber(), new FakeSubscriber()];
    hub.subscribe(member, ['room']);
    assert.deepEqual(hub.publish(intruder, 'room', 'forged offer'), {
      ok: false,
      reason: 'not_subscribed',
    });
    assert.deepEqual(hub.publish(intruder, 'nowhere', 'x'), {
      ok: false,
      reason: 'not_subscribed',
    });
    assert.deepEqual(member.frames, []);
  });

  it('forgets a topic when its last subscriber unsubscribes or leaves', () => {
    const hub = new SignalingHub<FakeSubscriber>(limits);
    const [a, b] = [new FakeSubscriber(), new FakeSubscriber()];
    hub.subscribe(a, ['one', 'two']);
    hub.subscribe(b, ['two']);
    assert.equal(hub.topicCount, 2);
    assert.equal(hub.subscriptionCount, 3);
    hub.unsubscribe(a, ['one', 'never-subscribed']);
    assert.equal(hub.topicCount, 1);
    hub.remove(a);
    assert.equal(hub.subscriberCount('two'), 1);
    hub.remove(b);
    hub.remove(b); // idempotent
    assert.equal(hub.topicCount, 0);
    assert.equal(hub.subscriptionCount, 0);
  });

  it('counts repeated subscriptions once', () => {
    const hub = new SignalingHub<FakeSubscriber>(limits);
    const a = new FakeSubscriber();
    assert.equal(hub.subscribe(a, ['r', 'r', 'r']), 'ok');
    assert.equal(hub.subscribe(a, ['r']), 'ok');
    assert.equal(hub.subscriptionCount, 1);
    hub.publish(a, 'r', 1);
    assert.equal(a.frames.length, 1);
  });

  it('applies a subscribe over the topic limit not at all', () => {
    const hub = new SignalingHub<FakeSubscriber>(limits);
    const a = new FakeSubscriber();
    assert.equal(hub.subscribe(a, ['a', 'b']), 'ok');
    assert.equal(hub.subscribe(a, ['c', 'd']), 'too_many_topics');
    assert.equal(hub.subscriberCount('c'), 0);
    assert.equal(hub.subscribe(a, ['a', 'c']), 'ok');
    const many = Array.from({ length: 10_000 }, (_, i) => `t${i}`);
    assert.equal(hub.subscribe(new FakeSubscriber(), many), 'too_many_topics');
    assert.equal(hub.topicCount, 3);
  });

  it('refuses topics longer than the limit', () => {
    const hub = new SignalingHub<FakeSubscriber>(limits);
    assert.equal(hub.subscribe(new FakeSubscriber(), ['ok', 'x'.repeat(9)]), 'topic_too_long');
    assert.equal(hub.topicCount, 0);
  });
});
