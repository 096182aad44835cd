// Delivery never waits for a consumer, and two tabs on connected ports derive the same events.
import { expect } from '@esm-bundle/chai';
import { entriesReach } from './eventLogContract';
import { sessionsAre } from './presenceContract';
import type { ChatEvent } from './events';
import { makeEvent } from './events';
import { Hub } from './Hub';
import { MemoryEventLog } from './MemoryEventLog';
import { MemoryPresence } from './MemoryPresence';
import { poll } from '../testkit/waitFor';

const types = (events: readonly ChatEvent[]): string[] =>
  events.map((e) => `${e.type} ${e.userId ?? '-'}${e.sessionId ? `/${e.sessionId}` : ''}`);

describe('Hub: slow consumers', () => {
  it('a listener that never finishes stalls neither the hub, the sessions nor other listeners', async () => {
    const hub = new Hub({
      chatroomId: 'r',
      log: new MemoryEventLog(),
      presence: new MemoryPresence(),
    });
    let release: () => void = () => undefined;
    let slowCalls = 0;
    hub.attachListener({
      receive: () => {
        slowCalls += 1;
        return new Promise<void>((resolve) => (release = resolve));
      },
    });
    const fast: ChatEvent[] = [];
    const fastDone = hub.attachListener({ receive: (events) => void fast.push(...events) });
    const stream = hub.add('u1', 's1');
    for (let i = 0; i < 1000; i += 1) hub.message('u1', `m${i}`);
    hub.close();
    await fastDone.done;
    expect(fast).to.have.length(1002);
    expect(stream.take()).to.have.length(1002);
    expect(slowCalls).to.equal(1);
    release();
  });

  it('a session that never reads loses its oldest events past capacity, counted; others lose none', () => {
    const hub = new Hub({
      chatroomId: 'r',
      log: new MemoryEventLog(),
      presence: new MemoryPresence(),
      streamCapacity: 100,
    });
    const idle = hub.add('idle', 's1');
    const busy = hub.add('busy', 's1');
    const busyGot: ChatEvent[] = [...busy.take()];
    for (let i = 0; i < 250; i += 1) {
      hub.message('busy', `m${i}`);
      busyGot.push(...busy.take());
    }
    expect(busyGot).to.have.length(251);
    const idleGot = idle.take();
    expect(idleGot).to.have.length(100);
    expect(idleGot.at(-1)?.message).to.equal('m249');
    expect(idle.dropped).to.equal(152);
    expect(hub.stats().dropped).to.equal(152);
  });

  it('a listener that throws is counted and keeps receiving', async () => {
    const errors: unknown[] = [];
    const hub = new Hub({
      chatroomId: 'r',
      log: new MemoryEventLog(),
      presence: new MemoryPresence(),
      onListenerError: (error) => errors.push(error),
    });
    const got: ChatEvent[] = [];
    const handle = hub.attachListener({
      receive: async (events) => {
        got.push(...events);
        await Promise.resolve();
        if (events.some((e) => e.message === 'boom')) throw new Error('disk on fire');
      },
    });
    hub.message('u', 'boom');
    await Promise.resolve();
    hub.message('u', 'after');
    hub.close();
    await handle.done;
    expect(got.map((e) => e.message ?? e.type)).to.deep.equal(['boom', 'after', 'close']);
    expect(hub.stats().listenerErrors).to.equal(1);
    expect(String(errors[0])).to.contain('disk on fire');
  });

  it('tells when every event emitted so far has been handed to a listener', async () => {
    const hub = new Hub({
      chatroomId: 'r',
      log: new MemoryEventLog(),
      presence: new MemoryPresence(),
    });
    const got: string[] = [];
    const releases: (() => void)[] = [];
    const handle = hub.attachListener({
      receive: (events) =>
        new Promise<void>((resolve) => {
          got.push(...events.map((e) => e.message ?? e.type));
          releases.push(resolve);
        }),
    });
    hub.message('u', 'one');
    let handed = false;
    const first = handle.handed().then(() => (handed = true));
    await new Promise((r) => setTimeout(r, 0));
    hub.message('u', 'two');
    // 'one' is with the listener, but its receive() has not returned.
    expect(got).to.deep.equal(['one']);
    expect(handed).to.equal(false);
    let later = false;
    const second = handle.handed().then(() => (later = true));
    releases.shift()?.();
    await first;
    await new Promise((r) => setTimeout(r, 0));
    // 'two' was emitted before the second question, and is not handed over yet.
    expect(got).to.deep.equal(['one', 'two']);
    expect(later).to.equal(false);
    releases.shift()?.();
    await second;
    hub.close();
    const closing = handle.handed();
    await poll(() => got.includes('close'));
    releases.shift()?.();
    await closing;
    await handle.done;
  });

  it('a stream can be read with for await until it ends', async () => {
    const hub = new Hub({
      chatroomId: 'r',
      log: new MemoryEventLog(),
      presence: new MemoryPresence(),
    });
    const stream = hub.add('u', 's');
    const reading = (async () => {
      const seen: string[] = [];
      for await (const event of stream) seen.push(event.type);
      return seen;
    })();
    hub.message('u', 'hi');
    hub.close();
    expect(await reading).to.deep.equal(['join', 'message', 'close']);
  });
});

describe('Hub: two tabs on connected ports', () => {
  function twoTabs(): { a: Hub; b: Hub; presences: MemoryPresence[]; logs: MemoryEventLog[] } {
    const logs = MemoryEventLog.connected(2);
    const presences = MemoryPresence.connected(2);
    const [logA, logB] = logs as [MemoryEventLog, MemoryEventLog];
    const [presA, presB] = presences as [MemoryPresence, MemoryPresence];
    return {
      a: new Hub({ chatroomId: 'room', log: logA, presence: presA }),
      b: new Hub({ chatroomId: 'room', log: logB, presence: presB }),
      presences,
      logs,
    };
  }

  it('the same user in a second tab is an add, its closing a remove, the last a leave', async () => {
    const { a, b, presences } = twoTabs();
    const watcher = b.add('bob', 'b1');
    a.add('alice', 'a1');
    await sessionsAre(presences[1] as MemoryPresence, [
      { userId: 'alice', sessionId: 'a1' },
      { userId: 'bob', sessionId: 'b1' },
    ]);
    const second = new Hub({
      chatroomId: 'room',
      log: new MemoryEventLog(),
      presence: (presences[0] as MemoryPresence).peer(),
    });
    second.add('alice', 'a2');
    await sessionsAre(presences[1] as MemoryPresence, [
      { userId: 'alice', sessionId: 'a1' },
      { userId: 'alice', sessionId: 'a2' },
      { userId: 'bob', sessionId: 'b1' },
    ]);
    second.remove('alice', 'a2');
    a.remove('alice', 'a1');
    await sessionsAre(presences[1] as MemoryPresence, [{ userId: 'bob', sessionId: 'b1' }]);
    expect(types(watcher.take())).to.deep.equal([
      'join bob/b1',
      'join alice/a1',
      'add alice/a2',
      'remove alice/a2',
      'leave alice/a1',
    ]);
  });

  it('a message written in one tab reaches the other with the same id', async () => {
    const { a, b, logs } = twoTabs();
    const reader = b.add('bob', 'b1');
    const id = a.message('alice', 'hello bob');
    await entriesReach(logs[1] as MemoryEventLog, 1);
    const got = reader.take().filter((e) => e.type === 'message');
    expect(got).to.have.length(1);
    expect(got[0]).to.include({ id, userId: 'alice', message: 'hello bob', chatroomId: 'room' });
  });

  it('a tab that vanishes is a leave in the other', async () => {
    const { a, b, presences } = twoTabs();
    const reader = b.add('bob', 'b1');
    a.add('alice', 'a1');
    await sessionsAre(presences[1] as MemoryPresence, [
      { userId: 'alice', sessionId: 'a1' },
      { userId: 'bob', sessionId: 'b1' },
    ]);
    (presences[0] as MemoryPresence).vanish();
    await sessionsAre(presences[1] as MemoryPresence, [{ userId: 'bob', sessionId: 'b1' }]);
    expect(types(reader.take()).slice(-2)).to.deep.equal(['join alice/a1', 'leave alice/a1']);
    expect(b.participants()).to.deep.equal([{ userId: 'bob', sessionIds: ['b1'] }]);
  });

  it('both tabs give a presence transition the same id', async () => {
    const { a, b, presences } = twoTabs();
    const inA = a.add('alice', 'a1');
    const inB = b.add('bob', 'b1');
    await sessionsAre(presences[0] as MemoryPresence, [
      { userId: 'alice', sessionId: 'a1' },
      { userId: 'bob', sessionId: 'b1' },
    ]);
    await sessionsAre(presences[1] as MemoryPresence, [
      { userId: 'alice', sessionId: 'a1' },
      { userId: 'bob', sessionId: 'b1' },
    ]);
    const bobJoinInA = inA.take().find((e) => e.userId === 'bob');
    const bobJoinInB = inB.take().find((e) => e.userId === 'bob');
    expect(bobJoinInA?.id).to.be.a('string').and.equal(bobJoinInB?.id);
  });
});

describe('makeEvent', () => {
  it('leaves out empty optional fields, as the original JSON does', () => {
    const event = makeEvent({ id: 'x', chatroomId: 'r', type: 'close', userId: '', unixTime: 5 });
    expect(JSON.parse(JSON.stringify(event))).to.deep.equal({
      id: 'x',
      chatroomId: 'r',
      type: 'close',
      unixTime: 5,
    });
  });
});
