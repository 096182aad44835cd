import { expect } from '@esm-bundle/chai';
import * as Y from 'yjs';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import { sessionsAre } from '../hub/presenceContract';
import { Identity } from '../identity/Identity';
import { MemoryKeyStore } from '../identity/MemoryKeyStore';
import { Verifier } from '../identity/Verifier';
import { poll } from '../testkit/waitFor';
import { AwarenessPresence } from './AwarenessPresence';
import { decodeSignals, encodeSignals, type Beat } from './signalWire';
import { intervalTicker } from './Ticker';

const ROOM = 'room-1';
const verifier = new Verifier();

interface Tab {
  readonly identity: Identity;
  readonly awareness: Awareness;
  readonly presence: AwarenessPresence;
  /** Direct neighbours: awareness updates and signals reach only these. */
  readonly neighbours: Set<Tab>;
  /** Every signal frame this tab sent. */
  readonly sent: Uint8Array[];
  /** Card renewals this tab sent itself (awareness updates of its own state). */
  cards: number;
  up: boolean;
}

/**
 * Tabs linked as the app links them: awareness updates through each receiver's gate, and
 * relayed on (as gatherRelayedAwareness does); presence signals over the links as the side
 * lane carries them. Only direct neighbours hear each other.
 */
class SignalRoom {
  readonly tabs: Tab[] = [];

  add(identity: Identity, options: { maxCardAgeMs?: number; now?: () => number } = {}): Tab {
    const awareness = new Awareness(new Y.Doc());
    const presence = new AwarenessPresence(awareness, {
      timeoutMs: 1500,
      heartbeatMs: 300,
      ticker: intervalTicker,
      context: ROOM,
      signer: identity,
      verifier,
      ...options,
    });
    const tab: Tab = {
      identity,
      awareness,
      presence,
      neighbours: new Set(),
      sent: [],
      cards: 0,
      up: true,
    };
    awareness.on('update', (change: Record<string, number[]>, origin: unknown) => {
      const changed = Object.values(change).flat();
      if (origin === 'local') tab.cards += 1;
      const update = encodeAwarenessUpdate(awareness, changed);
      queueMicrotask(() => {
        for (const other of tab.neighbours) if (tab.up) other.presence.gate?.receive(update, tab);
      });
    });
    presence.attachSignals({
      send: (frame, to) => {
        tab.sent.push(frame);
        queueMicrotask(() => {
          for (const other of tab.neighbours) {
            if (!tab.up || other === to.except || (to.only && to.only !== other)) continue;
            other.presence.receiveSignals(frame, tab);
          }
        });
      },
    });
    this.tabs.push(tab);
    return tab;
  }

  /** Links two tabs; each sends the other what it holds, as y-webrtc does on connect. */
  link(a: Tab, b: Tab): void {
    a.neighbours.add(b);
    b.neighbours.add(a);
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      const update = encodeAwarenessUpdate(from.awareness, [...from.awareness.getStates().keys()]);
      to.presence.gate?.receive(update, from);
    }
  }

  destroy(): void {
    for (const { presence, awareness } of this.tabs.splice(0)) {
      presence.destroy();
      awareness.destroy();
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let alice: Identity;
let bob: Identity;
let carol: Identity;
let mallory: Identity;
before(async () => {
  const made = () => Identity.loadOrCreate(new MemoryKeyStore());
  [alice, bob, carol, mallory] = [await made(), await made(), await made(), await made()];
});

describe('Presence signals: beats and typing', () => {
  let room: SignalRoom;
  beforeEach(() => {
    room = new SignalRoom();
  });
  afterEach(() => room.destroy());

  const session = (identity: Identity) => ({ userId: identity.userId, sessionId: 't1' });

  /** Alice - Bob - Carol in a line, Alice present at Carol through Bob. */
  const aliceBobCarol = async () => {
    const a = room.add(alice);
    const b = room.add(bob);
    const c = room.add(carol);
    room.link(a, b);
    room.link(b, c);
    a.presence.enter(session(alice));
    await sessionsAre(c.presence, [session(alice)]);
    return { a, b, c };
  };

  it('renews a card by small signed beats, relayed, without sending the card again', async () => {
    const { a, c } = await aliceBobCarol();
    const cardsBefore = a.cards;
    // Two timeouts (1,500 ms each): without renewals Alice would expire at Carol.
    await sleep(3200);
    expect(c.presence.sessions()).to.deep.equal([session(alice)]);
    expect(a.cards).to.equal(cardsBefore);
    expect(c.presence.signalStats?.beats).to.be.at.least(5);
    const beats = a.sent.map((f) => decodeSignals(f)?.[0]).filter((s) => s?.kind === 'beat');
    expect(beats.length).to.be.at.least(5);
    for (const frame of a.sent) expect(frame.byteLength).to.be.below(100);
  });

  it('renews by beats when the clock moved on between a card and its goodbye', async () => {
    // A slow device: every reading of the clock comes at least 2 ms after the last, so the
    // goodbye signed beside the card is not the card's time + 1.
    let last = 0;
    const slowClock = (): number => (last = Math.max(Date.now(), last + 2));
    const a = room.add(alice, { now: slowClock });
    const b = room.add(bob);
    room.link(a, b);
    a.presence.enter(session(alice));
    await sessionsAre(b.presence, [session(alice)]);
    await poll(() => (b.presence.signalStats?.beats ?? 0) >= 1, 'a first beat');
    const cardsBefore = a.cards;
    await sleep(1000);
    expect(a.cards, 'cards sent again').to.equal(cardsBefore);
    expect(b.presence.signalStats?.beats).to.be.at.least(2);
    expect(b.presence.sessions()).to.deep.equal([session(alice)]);
  });

  it('relays the beats gathered from several links as one frame per link', async () => {
    const hub = room.add(bob);
    const leaves = [room.add(alice), room.add(carol), room.add(mallory)];
    for (const leaf of leaves) room.link(hub, leaf);
    const everyone = [alice, carol, mallory].map(session);
    leaves.forEach((leaf, k) => leaf.presence.enter(everyone[k] ?? session(alice)));
    for (const leaf of leaves) await sessionsAre(leaf.presence, everyone);
    const relayedAt = hub.sent.length;
    await sleep(1500);
    const hubClient = hub.awareness.clientID;
    const relayed = hub.sent
      .slice(relayedAt)
      .map((f) => new Set((decodeSignals(f) ?? []).map((s) => (s.kind === 'beat' ? s.client : -1))))
      .filter((clients) => !clients.has(hubClient) && !clients.has(-1));
    expect(relayed.length).to.be.above(0);
    // Every leaf beats about every 300 ms: a 250 ms window nearly always holds two of them.
    expect(relayed.filter((clients) => clients.size > 1).length).to.be.above(0);
    for (const leaf of leaves) await sessionsAre(leaf.presence, everyone);
  });

  it('keeps no departed member present by a replayed or forged beat', async () => {
    const a = room.add(alice);
    const w = room.add(bob);
    room.link(a, w);
    a.presence.enter(session(alice));
    await sessionsAre(w.presence, [session(alice)]);
    await poll(() => (w.presence.signalStats?.beats ?? 0) >= 2, 'Alice’s beats');
    const captured = a.sent
      .flatMap((f) => decodeSignals(f) ?? [])
      .filter((s): s is Beat => s.kind === 'beat');
    const last = captured.at(-1) as Beat;
    // Alice's tab vanishes without a goodbye; Mallory, a member too, keeps sending her beats:
    // replays of the captured ones, and fresh ones with a forged or her own signature.
    a.up = false;
    const m = room.add(mallory);
    room.link(m, w);
    const departedAt = Date.now();
    while (Date.now() - departedAt < 2500) {
      const at = Date.now();
      const forged: Beat = { ...last, at, sig: crypto.getRandomValues(new Uint8Array(64)) };
      const own: Beat = {
        ...last,
        at: at + 1,
        sig: await mallory.sign(
          new TextEncoder().encode(
            JSON.stringify(['meshchat-beat/1', ROOM, last.client, last.t, at + 1, last.iv]),
          ),
        ),
      };
      w.presence.receiveSignals(encodeSignals([...captured, forged, own]), m);
      await sleep(100);
    }
    // Her timeout is 1,500 ms after her last true beat: she is gone.
    expect(w.presence.sessions()).to.deep.equal([]);
    expect(w.presence.signalStats?.old).to.be.above(0);
    expect(w.presence.signalStats?.invalid).to.be.above(0);
  });

  it('asks for a card it lacks, and takes it though old, vouched for by a fresh beat', async () => {
    const a = room.add(alice, { maxCardAgeMs: 400 });
    const b = room.add(bob, { maxCardAgeMs: 400 });
    room.link(a, b);
    a.presence.enter(session(alice));
    await sessionsAre(b.presence, [session(alice)]);
    const cardsBefore = a.cards;
    // Alice's card is now older than a card alone may be; a newcomer links to Bob only.
    await sleep(900);
    const c = room.add(carol, { maxCardAgeMs: 400 });
    room.link(b, c);
    await sessionsAre(c.presence, [session(alice)]);
    expect(c.presence.gate?.stats.stale).to.be.at.least(1);
    expect(a.cards).to.equal(cardsBefore);
  });

  it('shows typing to direct neighbours only, throttled, without re-signing the card', async () => {
    const { a, b, c } = await aliceBobCarol();
    const cardsBefore = a.cards;
    const typing = (tab: Tab) =>
      [...tab.presence.states().values()].filter((s) => s.u === alice.userId && s.typing);
    for (let i = 0; i < 10; i += 1) a.presence.signalTyping(Date.now());
    await poll(() => typing(b).length === 1, 'Bob to see Alice typing');
    await sleep(300);
    expect(typing(c)).to.deep.equal([]);
    expect(b.presence.signalStats?.typing).to.equal(1);
    expect(a.cards).to.equal(cardsBefore);
    // The stop waits for the end of the gap, then goes.
    a.presence.signalTyping(0);
    await poll(() => typing(b).length === 0, 'Bob to see Alice stop', { timeoutMs: 4000 });
    expect(b.presence.signalStats?.typing).to.equal(2);
  });
});
