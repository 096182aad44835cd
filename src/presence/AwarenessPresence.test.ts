import { expect } from '@esm-bundle/chai';
import * as Y from 'yjs';
import { Awareness, removeAwarenessStates } from 'y-protocols/awareness';
import { linkAwareness, type Link } from '../testkit/links';
import { presenceContract, sessionsAre, type PresenceHarness } from '../hub/presenceContract';
import { poll, until } from '../testkit/waitFor';
import { encodeBase64url } from '../identity/base64url';
import type { PresencePort } from '../hub/ports';
import { AwarenessPresence } from './AwarenessPresence';
import { PresenceCards } from './PresenceCards';
import { Identity } from '../identity/Identity';
import { MemoryKeyStore } from '../identity/MemoryKeyStore';
import { Verifier } from '../identity/Verifier';
import type { SignatureVerifier, Signer } from '../log/signing';
import { intervalTicker } from './Ticker';
import { ManualTime } from '../testkit/ManualTime';

interface Member {
  awareness: Awareness;
  presence: AwarenessPresence;
  links: Link[];
}

/** Awareness instances that forward their updates to each other, like a network. */
class AwarenessMesh {
  readonly members: Member[] = [];

  add(
    options: {
      timeoutMs?: number;
      heartbeatMs?: number;
      signer?: Signer;
      verifier?: SignatureVerifier;
      /** Time moved by the test (default: the real clock and timers). */
      time?: ManualTime;
    } = {},
  ): AwarenessPresence {
    const awareness = new Awareness(new Y.Doc());
    const presence = new AwarenessPresence(awareness, {
      timeoutMs: options.timeoutMs ?? 1500,
      heartbeatMs: options.heartbeatMs ?? 300,
      ticker: options.time?.ticker ?? intervalTicker,
      ...(options.time ? { now: options.time.now } : {}),
      context: 'room-1',
      ...(options.signer ? { signer: options.signer } : {}),
      ...(options.verifier ? { verifier: options.verifier } : {}),
    });
    const member: Member = { awareness, presence, links: [] };
    // A link of its own to each existing member, so cutting one member cuts only its links.
    for (const other of this.members) {
      const link = linkAwareness([awareness, other.awareness]);
      member.links.push(link);
      other.links.push(link);
    }
    this.members.push(member);
    return presence;
  }

  /** Stops a member's traffic without a goodbye (a crashed tab). */
  cut(presence: PresencePort): void {
    const member = this.members.find((m) => m.presence === presence);
    for (const link of member?.links ?? []) link.up = false;
  }

  destroy(): void {
    for (const { presence, awareness } of this.members.splice(0)) {
      presence.destroy();
      awareness.destroy();
    }
  }
}

/** A contract harness over an AwarenessMesh; `options(i)` configures replica i. */
function meshHarness(
  options: (index: number) => Parameters<AwarenessMesh['add']>[0] = () => ({}),
  users?: readonly [string, string],
): PresenceHarness {
  const mesh = new AwarenessMesh();
  return {
    ...(users ? { users } : {}),
    replicas: (count) =>
      Promise.resolve(Array.from({ length: count }, (_, i) => mesh.add(options(i)))),
    vanish: (replica) => {
      mesh.cut(replica);
      return Promise.resolve();
    },
    cleanup: () => {
      mesh.destroy();
      return Promise.resolve();
    },
  };
}

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

let alice: Identity;
let bob: Identity;
const verifier = new Verifier();
before(async () => {
  alice = await Identity.loadOrCreate(new MemoryKeyStore());
  bob = await Identity.loadOrCreate(new MemoryKeyStore());
});

presenceContract('AwarenessPresence with signed cards', () =>
  meshHarness((i) => ({ signer: i === 0 ? alice : bob, verifier }), [alice.userId, bob.userId]),
);

describe('AwarenessPresence: signed cards against hostile peers', () => {
  let mesh: AwarenessMesh;
  beforeEach(() => {
    mesh = new AwarenessMesh();
  });
  afterEach(() => mesh.destroy());

  it('shows nobody who claims a user without that user’s signature', async () => {
    const watcher = mesh.add({ signer: bob, verifier });
    const mallory = mesh.add({ verifier });
    const malloryIndex = mesh.members.length - 1;
    // Unsigned claim to be Alice: never trusted.
    mallory.enter({ userId: alice.userId, sessionId: 'fake' });
    // Then a "signature" made with the wrong key.
    const forger = await Identity.loadOrCreate(new MemoryKeyStore());
    const awareness = mesh.members[malloryIndex]?.awareness;
    const wrong = await forger.sign(new TextEncoder().encode('anything'));
    awareness?.setLocalStateField('sig', encodeBase64url(wrong));
    // An honest peer as the sync point: once Bob's own view has settled, Alice is absent.
    const honest = mesh.add({ signer: alice, verifier });
    honest.enter({ userId: alice.userId, sessionId: 'real' });
    await sessionsAre(watcher, [{ userId: alice.userId, sessionId: 'real' }]);
    await until(
      (onChange) => watcher.observe(onChange),
      () => watcher.invalid >= 1,
      'the forged card to be judged invalid',
    );
    expect(watcher.sessions()).to.deep.equal([{ userId: alice.userId, sessionId: 'real' }]);
    expect(watcher.invalid).to.equal(1);
  });

  it('checks only the card that changed, not every member’s, on each change', async () => {
    const tabs = Array.from({ length: 6 }, (_, i) =>
      mesh.add({ signer: i % 2 ? alice : bob, verifier }),
    );
    tabs.forEach((tab, i) =>
      tab.enter({ userId: (i % 2 ? alice : bob).userId, sessionId: `t${i}` }),
    );
    const [watcher, changer] = tabs as [AwarenessPresence, AwarenessPresence];
    await until(
      (onChange) => watcher.observe(onChange),
      () => watcher.sessions().length === tabs.length,
      'everyone present',
    );
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called with its `this`
    const check = PresenceCards.prototype.check;
    let checks = 0;
    PresenceCards.prototype.check = function (this: PresenceCards, ...args) {
      checks += 1;
      return check.apply(this, args);
    };
    try {
      for (let i = 0; i < 10; i += 1) {
        changer.setField('name', `n${i}`);
        await poll(
          () => [...watcher.states().values()].some((s) => s.name === `n${i}`),
          `name ${i}`,
        );
      }
    } finally {
      PresenceCards.prototype.check = check;
    }
    // Ten changes, each seen by five tabs: checking every member each time is ten times 25.
    expect(checks).to.be.below(10 * 5 * 3);
  });

  it('ignores a card whose fields were changed after signing: the signed one stands', async () => {
    const watcher = mesh.add({ signer: bob, verifier });
    const aliceTab = mesh.add({ signer: alice, verifier });
    const aliceAwareness = mesh.members.at(-1)?.awareness;
    aliceTab.enter({ userId: alice.userId, sessionId: 't1' });
    aliceTab.setField('name', 'Alice');
    await sessionsAre(watcher, [{ userId: alice.userId, sessionId: 't1' }]);
    await until(
      (onChange) => watcher.observe(onChange),
      () => [...watcher.states().values()].some((s) => s.name === 'Alice'),
      'Alice’s signed name',
    );
    // Someone rewrites the name and typing in the state without re-signing (no gate here:
    // the awareness applies it, and presence must still not act on it).
    const state = aliceAwareness?.getLocalState() ?? {};
    aliceAwareness?.setLocalState({ ...state, name: 'Not Alice', typing: Date.now() });
    await until(
      (onChange) => watcher.onStates(onChange),
      () => watcher.invalid === 1,
      'the changed card to be judged invalid',
    );
    expect(watcher.sessions()).to.deep.equal([{ userId: alice.userId, sessionId: 't1' }]);
    const names = [...watcher.states().values()].map((s) => [s.name, s.typing]);
    expect(names).to.deep.equal([['Alice', undefined]]);
  });
});
