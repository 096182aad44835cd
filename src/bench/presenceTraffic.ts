// Presence bytes per second per peer in a room of N tabs, with the real presence code (signed
// cards, the gate, beats) over in-memory links of a random mesh of degree about 6, each tab
// relaying what it accepts as the app does (awareness updates to every link, beats to every
// other link). Run in real time with renewal at a tenth of the app's (1 s base instead of
// 10 s) and scaled back, since every figure is proportional to the renewal rate.
//   node --import tsx src/bench/presenceTraffic.ts 25 [seconds]
import * as Y from 'yjs';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import { Identity } from '../identity/Identity';
import { MemoryKeyStore } from '../identity/MemoryKeyStore';
import { Verifier } from '../identity/Verifier';
import { AwarenessPresence } from '../presence/AwarenessPresence';
import { intervalTicker } from '../presence/Ticker';

const SPEEDUP = 10;
const members = Number(process.argv[2] ?? 25);
const seconds = Number(process.argv[3] ?? 30);
const ROOM = 'bench-room';

interface Peer {
  readonly identity: Identity;
  readonly awareness: Awareness;
  readonly presence: AwarenessPresence;
  readonly links: Set<Peer>;
  received: number;
}

/** A random graph: each peer links to random others until it has 6 (never more than 8). */
function wire(peers: Peer[], random: () => number): void {
  for (const peer of peers) {
    let tries = 0;
    while (peer.links.size < 6 && tries < 200) {
      tries += 1;
      const other = peers[Math.floor(random() * peers.length)] as Peer;
      if (other === peer || other.links.size >= 8 || peer.links.has(other)) continue;
      peer.links.add(other);
      other.links.add(peer);
    }
  }
}

async function main(): Promise<void> {
  const verifier = new Verifier();
  const peers: Peer[] = [];
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  for (let i = 0; i < members; i += 1) {
    const identity = await Identity.loadOrCreate(new MemoryKeyStore());
    const awareness = new Awareness(new Y.Doc());
    const presence = new AwarenessPresence(awareness, {
      timeoutMs: 30_000 / SPEEDUP,
      heartbeatMs: 10_000 / SPEEDUP,
      ticker: intervalTicker,
      context: ROOM,
      signer: identity,
      verifier,
    });
    peers.push({ identity, awareness, presence, links: new Set(), received: 0 });
  }
  wire(peers, random);
  for (const peer of peers) {
    // y-webrtc sends every awareness change it applies (its own, and peers' the gate let in)
    // to every link: a type byte and a length before the update.
    peer.awareness.on('update', (change: Record<string, number[]>) => {
      const update = encodeAwarenessUpdate(peer.awareness, Object.values(change).flat());
      for (const other of peer.links) {
        other.received += update.byteLength + 3;
        queueMicrotask(() => other.presence.gate?.receive(update, peer));
      }
    });
    // PRESENCE_CARDS_ONLY=1: whole cards at every renewal (no beats), for comparison.
    const attach = process.env.PRESENCE_CARDS_ONLY
      ? undefined
      : (peer.presence as { attachSignals?: AwarenessPresence['attachSignals'] }).attachSignals;
    attach?.call(peer.presence, {
      send: (frame: Uint8Array, to: { except?: object; only?: object }) => {
        for (const other of peer.links) {
          if (other === to.except || (to.only && to.only !== other)) continue;
          other.received += frame.byteLength + 1; // the side lane's tag byte
          queueMicrotask(() => other.presence.receiveSignals(frame, peer));
        }
      },
    });
  }
  // A card as the app's: sessions, a display name and a signed key-agreement key.
  for (const [i, peer] of peers.entries()) {
    peer.presence.setField('name', `Member ${i}`);
    peer.presence.setField('dh', { k: 'k'.repeat(43), s: 's'.repeat(86) });
    peer.presence.enter({ userId: peer.identity.userId, sessionId: `s${i}` });
  }
  const all = () => peers.every((p) => p.presence.sessions().length === members);
  const started = Date.now();
  while (!all() && Date.now() - started < 60_000) await sleep(100);
  if (!all()) throw new Error('the roster never completed');
  await sleep(3000); // past the join's card traffic
  for (const peer of peers) peer.received = 0;
  const from = Date.now();
  await sleep(seconds * 1000);
  const elapsed = (Date.now() - from) / 1000;
  const complete = peers.filter((p) => p.presence.sessions().length === members).length;
  const perPeer = peers.map((p) => p.received / elapsed / SPEEDUP).sort((a, b) => a - b);
  const mean = perPeer.reduce((a, b) => a + b, 0) / perPeer.length;
  const degree = peers.reduce((a, p) => a + p.links.size, 0) / peers.length;
  console.log(
    JSON.stringify({
      members,
      meanDegree: Number(degree.toFixed(1)),
      measuredSeconds: Number((elapsed * SPEEDUP).toFixed(0)),
      bytesPerSecondPerPeer: {
        mean: Math.round(mean),
        min: Math.round(perPeer[0] ?? 0),
        max: Math.round(perPeer.at(-1) ?? 0),
      },
      peersSeeingAll: complete,
    }),
  );
  for (const peer of peers) {
    peer.presence.destroy();
    peer.awareness.destroy();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

await main();
process.exit(0);
