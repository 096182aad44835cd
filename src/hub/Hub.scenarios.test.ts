// The original Go hub's test scenarios (MISSION.md), over the in-memory ports. Where the
// original compared integer ids, these compare delivery order.
import { expect } from '@esm-bundle/chai';
import { codeOf } from '../testkit/errorCode';
import type { ChatEvent } from './events';
import type { EventStream } from './EventStream';
import { Hub } from './Hub';
import { MemoryEventLog } from './MemoryEventLog';
import { MemoryPresence } from './MemoryPresence';

const shape = (events: readonly ChatEvent[]): string[] =>
  events.map((e) => [e.type, e.userId ?? '-', e.sessionId ?? '-', e.message ?? '-'].join(' '));

function newHub(historySize = 10): Hub {
  return new Hub({
    chatroomId: 'hub-id',
    historySize,
    log: new MemoryEventLog(),
    presence: new MemoryPresence(),
  });
}

describe('Hub: the original scenarios (hub-id, history 10)', () => {
  // The scenarios build on each other, as in the original test.
  const hub = newHub();
  const streams = new Map<string, EventStream>();
  const received = new Map<string, ChatEvent[]>();
  const all: ChatEvent[] = [];
  const read = (name: string): ChatEvent[] => {
    const list = received.get(name) ?? [];
    const stream = streams.get(name);
    if (stream) list.push(...stream.take());
    received.set(name, list);
    return list;
  };

  it('1. add(u1,s1), add(u2,s1), add(u2,s2), add(u3,s1) give join, join, add, join', () => {
    for (const [user, session] of [
      ['u1', 's1'],
      ['u2', 's1'],
      ['u2', 's2'],
      ['u3', 's1'],
    ] as const) {
      streams.set(`${user}/${session}`, hub.add(user, session));
      // The new session receives its own join/add first.
      expect(read(`${user}/${session}`)[0]).to.include({ userId: user, sessionId: session });
    }
    all.push(...hub.history());
    expect(shape(all)).to.deep.equal([
      'join u1 s1 -',
      'join u2 s1 -',
      'add u2 s2 -',
      'join u3 s1 -',
    ]);
    for (const event of all) expect(event.chatroomId).to.equal('hub-id');
  });

  it('2. add(u3,s1) again fails with AlreadyExists and emits nothing', () => {
    expect(codeOf(() => hub.add('u3', 's1'))).to.equal('AlreadyExists');
    expect(hub.history()).to.have.length(4);
  });

  it('3. a message from a non-member is a message event without sessionId', () => {
    hub.message('send-id', 'message 1');
    const last = hub.history().at(-1);
    expect(last).to.include({ type: 'message', userId: 'send-id', message: 'message 1' });
    expect(last).to.not.have.property('sessionId');
    all.push(last as ChatEvent);
  });

  it("4. remove(u1,s1) emits leave; u1's stream ended after the previous event", () => {
    hub.remove('u1', 's1');
    const last = hub.history().at(-1) as ChatEvent;
    all.push(last);
    expect(shape([last])).to.deep.equal(['leave u1 s1 -']);
    expect(streams.get('u1/s1')?.ended).to.equal(true);
    expect(shape(read('u1/s1'))).to.deep.equal(shape(all.slice(0, 5)));
  });

  it("5. remove(u2,s2) emits remove; s2's stream ended before it", () => {
    const before = all.length;
    hub.remove('u2', 's2');
    const last = hub.history().at(-1) as ChatEvent;
    all.push(last);
    expect(shape([last])).to.deep.equal(['remove u2 s2 -']);
    expect(streams.get('u2/s2')?.ended).to.equal(true);
    expect(shape(read('u2/s2'))).to.deep.equal(shape(all.slice(2, before)));
  });

  it('6. remove(u2,s2) again fails with NotFound and emits nothing', () => {
    expect(codeOf(() => hub.remove('u2', 's2'))).to.equal('NotFound');
    expect(codeOf(() => hub.remove('nobody', 's1'))).to.equal('NotFound');
    expect(hub.history()).to.have.length(7);
  });

  it('7. message then close: u2/s1 received events 2..9, u3 received 4..9', () => {
    hub.message('u2', 'message 2');
    hub.close();
    all.push(...hub.history().slice(-2));
    expect(shape(all.slice(-2))).to.deep.equal(['message u2 - message 2', 'close - - -']);
    expect(read('u2/s1').map((e) => e.id)).to.deep.equal(all.slice(1, 9).map((e) => e.id));
    expect(read('u3/s1').map((e) => e.id)).to.deep.equal(all.slice(3, 9).map((e) => e.id));
    for (const name of streams.keys()) expect(streams.get(name)?.ended).to.equal(true);
  });

  it('8. history() equals all 9 events', () => {
    expect(hub.history()).to.have.length(9);
    expect(hub.history()).to.deep.equal(all);
    expect(new Set(all.map((e) => e.id)).size).to.equal(9);
  });

  it('9. a closed hub: message emits nothing and does not throw', () => {
    expect(hub.message('u2', 'too late')).to.equal(undefined);
    expect(hub.history()).to.deep.equal(all);
  });

  it('10. a closed hub: add/remove/close fail with Closed', () => {
    expect(codeOf(() => hub.add('u9', 's1'))).to.equal('Closed');
    expect(codeOf(() => hub.remove('u2', 's1'))).to.equal('Closed');
    expect(codeOf(() => hub.close())).to.equal('Closed');
    expect(hub.history()).to.deep.equal(all);
  });
});

describe('Hub: listeners and the history ring', () => {
  it('11. a listener receives exactly what a session receives', async () => {
    const hub = newHub();
    const got: ChatEvent[] = [];
    const handle = hub.attachListener({ receive: (events) => void got.push(...events) });
    const stream = hub.add('u1', 's1');
    hub.message('u1', 'm1');
    hub.message('u1', 'm2');
    hub.message('u1', 'm3');
    hub.close();
    await handle.done;
    const sessionSaw = stream.take();
    expect(shape(got)).to.deep.equal([
      'join u1 s1 -',
      'message u1 - m1',
      'message u1 - m2',
      'message u1 - m3',
      'close - - -',
    ]);
    expect(got).to.deep.equal(sessionSaw);
  });

  it('12. a ring of 5 after 1, 3, 5, 6, 7, 12 events', () => {
    const hub = newHub(5);
    const texts = (events: ChatEvent[]): string[] => events.map((e) => e.message ?? '');
    const range = (from: number, to: number): string[] =>
      Array.from({ length: to - from + 1 }, (_, i) => `m${from + i}`);
    let sent = 0;
    const sendUpTo = (n: number): void => {
      while (sent < n) hub.message('u', `m${(sent += 1)}`);
    };
    const expected: [number, string[]][] = [
      [1, range(1, 1)],
      [3, range(1, 3)],
      [5, range(1, 5)],
      [6, range(2, 6)],
      [7, range(3, 7)],
      [12, range(8, 12)],
    ];
    for (const [count, want] of expected) {
      sendUpTo(count);
      expect(texts(hub.history()), `after ${count} events`).to.deep.equal(want);
    }
  });
});
