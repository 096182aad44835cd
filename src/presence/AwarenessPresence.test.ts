import { expect } from '@esm-bundle/chai';
import { removeAwarenessStates, type Awareness } from 'y-protocols/awareness';
import { presenceContract, sessionsAre } from '../hub/presenceContract';
import { until } from '../testkit/waitFor';
import { ManualTime } from '../testkit/ManualTime';
import { AwarenessMesh, meshHarness } from '../testkit/AwarenessMesh';

presenceContract('AwarenessPresence', () => meshHarness());

describe('AwarenessPresence', () => {
  let mesh: AwarenessMesh;
  beforeEach(() => {
    mesh = new AwarenessMesh();
  });
  afterEach(() => mesh.destroy());

  it('keeps a quiet but alive peer present past the timeout (heartbeat)', async () => {
    const time = new ManualTime();
    const a = mesh.add({ timeoutMs: 600, heartbeatMs: 150, time });
    const b = mesh.add({ timeoutMs: 600, heartbeatMs: 150, time });
    a.enter({ userId: 'alice', sessionId: 't1' });
    await sessionsAre(b, [{ userId: 'alice', sessionId: 't1' }]);
    let removals = 0;
    b.observe((change) => (removals += change.removed.length));
    // Three timeouts long: without the heartbeat alice would expire.
    await time.advance(1800);
    expect(removals).to.equal(0);
    expect(b.sessions()).to.have.length(1);
    // And the check that would expire her runs: cut off, she goes within one more timeout.
    mesh.cut(a);
    await time.advance(900);
    expect(b.sessions()).to.deep.equal([]);
    expect(removals).to.equal(1);
  });

  it('renews less often in a larger room, and says so in its card', async () => {
    const time = new ManualTime();
    const watched = mesh.add({ timeoutMs: 600, heartbeatMs: 150, time });
    watched.enter({ userId: 'u0', sessionId: 's' });
    const awareness = mesh.members[0]?.awareness as Awareness;
    expect(awareness.getLocalState()?.iv).to.equal(150);
    for (let i = 1; i < 25; i += 1) {
      mesh
        .add({ timeoutMs: 600, heartbeatMs: 150, time })
        .enter({ userId: `u${i}`, sessionId: 's' });
    }
    await sessionsAre(
      watched,
      Array.from({ length: 25 }, (_, i) => ({ userId: `u${i}`, sessionId: 's' })),
    );
    let renewals = 0;
    awareness.on('update', (_: unknown, origin: unknown) => {
      if (origin === 'local') renewals += 1;
    });
    // A room of 25: 2.5 times the base interval (the last card still said 150, so once more).
    await time.advance(150);
    expect(awareness.getLocalState()?.iv).to.equal(375);
    const before = renewals;
    // 1,500 ms: ten renewals at the base interval; at 375 (on a 150 ms tick) three or four.
    await time.advance(1500);
    expect(renewals - before).to.be.within(3, 4);
  });

  it('times a peer out after its own interval, and bounds what a card may claim', async () => {
    const time = new ManualTime();
    const watcher = mesh.add({ timeoutMs: 600, heartbeatMs: 150, time });
    mesh.add({ timeoutMs: 600, heartbeatMs: 150, time });
    mesh.add({ timeoutMs: 600, heartbeatMs: 150, time });
    const [, slow, hostile] = mesh.members;
    const card = (user: string, iv: number) => ({
      v: 2,
      u: user,
      t: time.now(),
      iv,
      sessions: [[user, 's']],
      sig: null,
    });
    // One renews every 300 ms (timed out after 1,200); one claims an hour (bounded to 900).
    slow?.awareness.setLocalState(card('slow', 300));
    hostile?.awareness.setLocalState(card('mallory', 3_600_000));
    await sessionsAre(watcher, [
      { userId: 'slow', sessionId: 's' },
      { userId: 'mallory', sessionId: 's' },
    ]);
    for (const member of mesh.members.slice(1)) for (const link of member.links) link.up = false;
    // Past the base timeout (600): both still here.
    await time.advance(1000);
    expect(watcher.sessions()).to.have.length(2);
    await time.advance(500);
    expect(watcher.sessions()).to.deep.equal([{ userId: 'mallory', sessionId: 's' }]);
    // The cap: six base intervals, so 3,600 ms; an hour would keep her far longer.
    await time.advance(2300);
    expect(watcher.sessions()).to.deep.equal([]);
  });

  it('ignores a peer whose state is malformed, and counts it', async () => {
    const good = mesh.add();
    const hostileAwareness = mesh.members.length;
    const hostile = mesh.add();
    const member = mesh.members[hostileAwareness];
    good.enter({ userId: 'alice', sessionId: 't1' });
    member?.awareness.setLocalState({ v: 1, sessions: 'everyone' });
    await sessionsAre(hostile, [{ userId: 'alice', sessionId: 't1' }]);
    // The good tab's presence reads a state before this listener, added later, hears of it.
    const goodAwareness = mesh.members[0]?.awareness as Awareness;
    const hostileClient = member?.awareness.clientID ?? -1;
    const arrived = (check: (state: Record<string, unknown> | undefined) => boolean) =>
      until(
        (onChange) => {
          goodAwareness.on('change', onChange);
          return () => goodAwareness.off('change', onChange);
        },
        () => check(goodAwareness.getStates().get(hostileClient)),
        'the hostile state to reach the good tab',
      );
    await arrived((state) => state?.sessions === 'everyone');
    expect(good.sessions()).to.deep.equal([{ userId: 'alice', sessionId: 't1' }]);
    expect(good.invalid).to.equal(1);
    member?.awareness.setLocalState({
      v: 1,
      sessions: Array.from({ length: 17 }, (_, i) => ['mallory', `s${i}`]),
    });
    await arrived((state) => Array.isArray(state?.sessions));
    expect(good.sessions()).to.have.length(1);
  });

  it('puts back a local state that something else removed, but not after goodbye', async () => {
    const a = mesh.add();
    const b = mesh.add();
    const awarenessA = mesh.members[0]?.awareness as Awareness;
    a.enter({ userId: 'alice', sessionId: 't1' });
    a.setField('name', 'Alice');
    await sessionsAre(b, [{ userId: 'alice', sessionId: 't1' }]);
    // What y-webrtc does on disconnect.
    removeAwarenessStates(awarenessA, [awarenessA.clientID], 'disconnect');
    await Promise.resolve();
    expect(awarenessA.getLocalState()).to.include({ name: 'Alice' });
    await sessionsAre(b, [{ userId: 'alice', sessionId: 't1' }]);
    a.goodbye();
    await sessionsAre(b, []);
    await Promise.resolve();
    expect(awarenessA.getLocalState()).to.equal(null);
    a.back();
    await sessionsAre(b, [{ userId: 'alice', sessionId: 't1' }]);
  });

  it('shares other fields (a display name) without touching the sessions', async () => {
    const a = mesh.add();
    const b = mesh.add();
    a.enter({ userId: 'alice', sessionId: 't1' });
    a.setField('name', 'Alice');
    a.setField('sessions', 'overwrite attempt');
    await sessionsAre(b, [{ userId: 'alice', sessionId: 't1' }]);
    const names = [...b.states().values()].map((s) => s.name);
    expect(names).to.deep.equal(['Alice']);
  });
});
