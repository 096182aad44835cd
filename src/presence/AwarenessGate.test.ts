import { expect } from '@esm-bundle/chai';
import * as Y from 'yjs';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import { sessionsAre } from '../hub/presenceContract';
import { Identity } from '../identity/Identity';
import { MemoryKeyStore } from '../identity/MemoryKeyStore';
import { HostileAwareness, HUGE_CLOCK } from '../testkit/adversary/HostileAwareness';
import { poll, until } from '../testkit/waitFor';
import { VERIFY_BURST, VERIFY_PER_SECOND, type AwarenessGateOptions } from './AwarenessGate';
import { AwarenessPresence } from './AwarenessPresence';
import { intervalTicker } from './Ticker';
import { CountingVerifier } from '../testkit/CountingVerifier';

const ROOM = 'room-1';

interface Tab {
  readonly identity: Identity;
  readonly awareness: Awareness;
  readonly presence: AwarenessPresence;
  readonly verifier: CountingVerifier;
}

/**
 * Tabs whose awareness updates reach each other the way y-webrtc delivers them over data
 * channels, through each receiver's gate; each sending tab is a sender of its own. Time can
 * be moved forward (`later`) to age cards.
 */
class GatedRoom {
  readonly tabs: Tab[] = [];
  offset = 0;
  readonly now = (): number => Date.now() + this.offset;

  add(identity: Identity, gate?: Omit<AwarenessGateOptions, 'cards' | 'now'>): Tab {
    const awareness = new Awareness(new Y.Doc());
    const verifier = new CountingVerifier();
    const presence = new AwarenessPresence(awareness, {
      timeoutMs: 3000,
      heartbeatMs: 300,
      ticker: intervalTicker,
      context: ROOM,
      signer: identity,
      verifier,
      now: this.now,
      ...(gate ? { gate } : {}),
    });
    const tab = { identity, awareness, presence, verifier };
    awareness.on('update', (change: Record<string, number[]>, origin: unknown) => {
      if (origin === presence.gate) return; // what this tab received is not re-sent here
      const changed = Object.values(change).flat();
      const update = encodeAwarenessUpdate(awareness, changed);
      queueMicrotask(() => {
        for (const other of this.tabs) if (other !== tab) other.presence.gate?.receive(update, tab);
      });
    });
    this.tabs.push(tab);
    return tab;
  }

  destroy(): void {
    for (const { presence, awareness } of this.tabs.splice(0)) {
      presence.destroy();
      awareness.destroy();
    }
  }
}

let alice: Identity;
let bob: Identity;
let carol: Identity;
let mallory: Identity;
before(async () => {
  const made = () => Identity.loadOrCreate(new MemoryKeyStore());
  [alice, bob, carol, mallory] = [await made(), await made(), await made(), await made()];
});

describe('AwarenessGate: presence against hostile members', () => {
  let room: GatedRoom;
  beforeEach(() => {
    room = new GatedRoom();
  });
  afterEach(() => room.destroy());

  const session = (identity: Identity, sessionId = 't1') => ({
    userId: identity.userId,
    sessionId,
  });

  it('brings no ghost back: a replayed card of a user who left is refused, old or stale', async () => {
    const watcher = room.add(bob);
    const aliceTab = room.add(alice);
    const adversary = new HostileAwareness(ROOM);
    aliceTab.presence.enter(session(alice));
    await sessionsAre(watcher.presence, [session(alice)]);
    adversary.observe(encodeAwarenessUpdate(aliceTab.awareness, [aliceTab.awareness.clientID]));
    aliceTab.presence.goodbye();
    await sessionsAre(watcher.presence, []);
    // The replay, with a clock that beats every clock.
    watcher.presence.gate?.receive(adversary.replay(aliceTab.awareness.clientID), adversary);
    await poll(() => (watcher.presence.gate?.stats.old ?? 0) >= 1, 'the replay to be refused');
    expect(watcher.presence.sessions()).to.deep.equal([]);
    // A newcomer never saw the goodbye; a minute later the card is stale for it too.
    room.offset += 61_000;
    const newcomer = room.add(carol);
    newcomer.presence.gate?.receive(adversary.replay(aliceTab.awareness.clientID), adversary);
    await poll(() => (newcomer.presence.gate?.stats.stale ?? 0) >= 1, 'the stale card refused');
    expect(newcomer.presence.sessions()).to.deep.equal([]);
  });

  it('drops a state it applied already before parsing it', async () => {
    const watcher = room.add(bob);
    const aliceTab = room.add(alice);
    aliceTab.presence.enter(session(alice));
    await sessionsAre(watcher.presence, [session(alice)]);
    const update = encodeAwarenessUpdate(aliceTab.awareness, [aliceTab.awareness.clientID]);
    const oldBefore = watcher.presence.gate?.stats.old ?? 0;
    const parse = JSON.parse;
    let parsed = 0;
    JSON.parse = ((...args: Parameters<typeof JSON.parse>): unknown => {
      parsed += 1;
      return parse(...args);
    }) as typeof JSON.parse;
    try {
      // The same change again, as each further link brings it.
      for (let i = 0; i < 5; i += 1) watcher.presence.gate?.receive(update, aliceTab);
    } finally {
      JSON.parse = parse;
    }
    expect(parsed).to.equal(0);
    expect(watcher.presence.gate?.stats.old).to.equal(oldBefore + 5);
  });

  it('ignores remote states for this tab’s own client id (another tab cannot vanish)', async () => {
    const bobTab = room.add(bob);
    const carolTab = room.add(carol);
    bobTab.presence.enter(session(bob));
    await sessionsAre(carolTab.presence, [session(bob)]);
    const adversary = new HostileAwareness(ROOM);
    // Newer than any card Bob has signed, even one signed this very millisecond: a card of
    // the same time would be judged a replay, not verified.
    const forged = adversary.forge(bobTab.awareness.clientID, {
      v: 2,
      u: bob.userId,
      t: room.now() + 1,
      sessions: [],
    });
    // To Bob himself, and to Carol, with the clock 2^53 that once made it stick.
    bobTab.presence.gate?.receive(forged, adversary);
    carolTab.presence.gate?.receive(forged, adversary);
    // A signature check waits behind whatever else the browser verifies (the suite runs files
    // side by side): allowed more than the default wait, within the test's own 20 s.
    await poll(() => (carolTab.presence.gate?.stats.invalid ?? 0) >= 1, 'the forgery judged', {
      timeoutMs: 15_000,
    });
    expect(bobTab.presence.gate?.stats.own).to.equal(1);
    expect(bobTab.awareness.getLocalState()?.sessions).to.deep.equal([[bob.userId, 't1']]);
    // Heartbeats later, Bob is still there for Carol.
    const seenBefore = carolTab.presence.gate?.stats.accepted ?? 0;
    await poll(
      () => (carolTab.presence.gate?.stats.accepted ?? 0) >= seenBefore + 2,
      'two more heartbeats of Bob',
    );
    expect(carolTab.presence.sessions()).to.deep.equal([session(bob)]);
  });

  it('applies peers’ cards with local clocks: a huge remote clock freezes nobody', async () => {
    const watcher = room.add(bob);
    const aliceTab = room.add(alice);
    const adversary = new HostileAwareness(ROOM);
    aliceTab.presence.enter(session(alice));
    aliceTab.presence.setField('name', 'Alice');
    await until(
      (onChange) => watcher.presence.onStates(onChange),
      () => [...watcher.presence.states().values()].some((s) => s.name === 'Alice'),
      'Alice’s name',
    );
    adversary.observe(encodeAwarenessUpdate(aliceTab.awareness, [aliceTab.awareness.clientID]));
    watcher.presence.gate?.receive(adversary.replay(aliceTab.awareness.clientID), adversary);
    aliceTab.presence.setField('name', 'Alice B.');
    await until(
      (onChange) => watcher.presence.onStates(onChange),
      () => [...watcher.presence.states().values()].some((s) => s.name === 'Alice B.'),
      'Alice’s new name despite the replay with clock 2^53',
    );
    const clock = watcher.awareness.meta.get(aliceTab.awareness.clientID)?.clock ?? HUGE_CLOCK;
    expect(clock).to.be.below(1000);
  });

  it('lets nobody show another user typing or receiving: unsigned changes are refused', async () => {
    const watcher = room.add(bob);
    const aliceTab = room.add(alice);
    const adversary = new HostileAwareness(ROOM);
    aliceTab.presence.enter(session(alice));
    await sessionsAre(watcher.presence, [session(alice)]);
    const card = aliceTab.awareness.getLocalState() ?? {};
    const forged = { ...card, typing: room.now(), acks: { '12345': 99 }, t: room.now() + 5 };
    watcher.presence.gate?.receive(adversary.forge(aliceTab.awareness.clientID, forged), adversary);
    await poll(() => (watcher.presence.gate?.stats.invalid ?? 0) >= 1, 'the forgery judged');
    for (const state of watcher.awareness.getStates().values()) {
      expect(state.typing).to.equal(undefined);
      expect(state.acks).to.equal(undefined);
    }
  });

  it('ignores removals: only a signed goodbye or a timeout takes a peer away', async () => {
    const watcher = room.add(bob);
    const aliceTab = room.add(alice);
    const adversary = new HostileAwareness(ROOM);
    aliceTab.presence.enter(session(alice));
    await sessionsAre(watcher.presence, [session(alice)]);
    watcher.presence.gate?.receive(adversary.remove(aliceTab.awareness.clientID), adversary);
    expect(watcher.presence.gate?.stats.removals).to.equal(1);
    expect(watcher.presence.sessions()).to.deep.equal([session(alice)]);
  });

  it('verifies at most its budget for one flood of 1,100 forged states, and honest cards still come', async () => {
    const watcher = room.add(bob);
    const adversary = new HostileAwareness(ROOM);
    const gate = watcher.presence.gate;
    const started = Date.now();
    gate?.receive(adversary.flood(1100, room.now()), adversary);
    await poll(
      () => (gate?.stats.invalid ?? 0) + (gate?.stats.throttled ?? 0) >= 1024,
      'every forged state judged',
    );
    // 1,024 read (the per-update cap); verified: the sender's burst, plus its refill at
    // VERIFY_PER_SECOND while the verifications ran.
    const bound = VERIFY_BURST + Math.ceil(((Date.now() - started) / 1000) * VERIFY_PER_SECOND);
    expect(gate?.stats.skipped).to.equal(76);
    expect(watcher.verifier.calls).to.be.at.most(bound);
    expect(watcher.verifier.calls).to.be.below(1024);
    expect(watcher.presence.sessions()).to.deep.equal([]);
    // The same flood again costs next to nothing: the budget is spent.
    const calls = watcher.verifier.calls;
    const again = Date.now();
    const judged = (gate?.stats.invalid ?? 0) + (gate?.stats.throttled ?? 0);
    gate?.receive(adversary.flood(1100, room.now(), 5_000_000), adversary);
    await poll(
      () => (gate?.stats.invalid ?? 0) + (gate?.stats.throttled ?? 0) >= judged + 1024,
      'the second flood judged',
    );
    const refill = Math.ceil(((Date.now() - again) / 1000) * VERIFY_PER_SECOND) + 1;
    expect(watcher.verifier.calls - calls).to.be.at.most(refill);
    // An honest peer, a sender of its own, is verified and shown.
    const aliceTab = room.add(alice);
    aliceTab.presence.enter(session(alice));
    await sessionsAre(watcher.presence, [session(alice)]);
  });

  it('caps clients per user and in all, and the size of a state', async () => {
    const watcher = room.add(bob, { maxClients: 20, maxClientsPerUser: 3 });
    const adversary = new HostileAwareness(ROOM, mallory);
    const gate = watcher.presence.gate;
    const now = room.now();
    // Mallory, with a valid key of her own, opens 5 "tabs": 3 are let in.
    for (let i = 0; i < 5; i += 1) {
      const card = { t: now, sessions: [[mallory.userId, `m${i}`]] };
      gate?.receive(await adversary.signed(100 + i, card), adversary);
    }
    await poll(() => (gate?.stats.full ?? 0) >= 2, 'two tabs over the per-user cap');
    expect(watcher.presence.sessions()).to.have.length(3);
    // A state over 8 KiB is dropped unread.
    const big = { t: now, sessions: [[mallory.userId, 'big']], name: 'x'.repeat(9000) };
    gate?.receive(await adversary.signed(200, big), adversary);
    expect(gate?.stats.oversized).to.equal(1);
  });
});
