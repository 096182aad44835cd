import * as Y from 'yjs';
import { Identity } from '../../identity/Identity';
import { MemoryKeyStore } from '../../identity/MemoryKeyStore';
import { Verifier } from '../../identity/Verifier';
import { REACT } from '../../log/entryKinds';
import { EpochSeals, type EpochSealsOptions } from '../../log/Seals';
import { YjsEventLog } from '../../log/YjsEventLog';
import { MemorySegmentStore } from '../../storage/SegmentStore';
import { until, type Subscribe } from '../waitFor';

/** Tabs of one room that seal their documents, for the sealing suites (src/log/Seals*.test.ts). */

export const ROOM = 'room-seals';
export const verifier = new Verifier();
const made: { log: YjsEventLog; doc: Y.Doc; seals: EpochSeals }[] = [];

/** Destroys the tabs made so far (each suite's afterEach). */
export function destroyTabs(): void {
  for (const { log, doc, seals } of made.splice(0)) {
    seals.destroy();
    log.destroy();
    doc.destroy();
  }
}

export async function tab(options: Partial<EpochSealsOptions> = {}, doc = new Y.Doc()) {
  const identity = await Identity.loadOrCreate(new MemoryKeyStore());
  const log = new YjsEventLog({ doc, roomId: ROOM, signer: identity, verifier });
  const store = new MemorySegmentStore();
  // Settled at once: a burst's clocks run a little ahead of the wall clock (HybridClock).
  const seals = new EpochSeals({
    doc,
    source: log,
    verifier,
    store,
    settleMs: 0,
    now: () => Date.now() + 60_000,
    ...options,
  });
  made.push({ log, doc, seals });
  return { log, doc, seals, store, userId: identity.userId };
}

/** Relays every update between two documents, as a link would. */
export function link(a: Y.Doc, b: Y.Doc): void {
  const relay = (to: Y.Doc) => (update: Uint8Array, origin: unknown) => {
    if (origin !== 'relay') Y.applyUpdate(to, update, 'relay');
  };
  a.on('update', relay(b));
  b.on('update', relay(a));
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a), 'relay');
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b), 'relay');
}

export const onLog =
  (log: YjsEventLog): Subscribe =>
  (change) =>
    log.observe(change);
export const onDoc =
  (doc: Y.Doc): Subscribe =>
  (change) => {
    doc.on('update', change);
    return () => doc.off('update', change);
  };

/** Alice and Bob linked, Alice's `count` messages at both. */
export async function linkedPair(count: number, options: Partial<EpochSealsOptions> = {}) {
  const alice = await tab(options);
  const bob = await tab();
  link(alice.doc, bob.doc);
  await write(alice.log, alice.userId, count);
  await until(onLog(bob.log), () => bob.log.entries().length === count);
  return { alice, bob };
}

/** What a fetch of sealed segments from `store` answers: the segment, or a refusal. */
export async function heldIn(store: MemorySegmentStore, wanted: string): Promise<Uint8Array> {
  return (await store.get(ROOM, wanted)) ?? Promise.reject(new Error('not held'));
}

export async function write(log: YjsEventLog, userId: string, count: number): Promise<void> {
  for (let n = 0; n < count; n += 1) log.append(userId, `message ${n}`);
  await log.whenProcessed();
}

/** Alice's 24 messages and a reaction to her first, the reaction among the oldest 10. */
export async function sealedWithReaction(emoji: string) {
  const alice = await tab({ liveLimit: 5, sealSize: 10 });
  await write(alice.log, alice.userId, 4);
  const target = alice.log.entries()[0]?.id as string;
  alice.log.append(alice.userId, JSON.stringify([target, emoji, 1]), REACT);
  await write(alice.log, alice.userId, 20);
  return { alice, target };
}
