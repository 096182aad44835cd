// Thousands of seeded random add/remove/message/close steps, local and from a remote replica,
// with the hub's invariants checked after every step. A failure names its seed and step.
import { expect } from '@esm-bundle/chai';
import { nextTask, SeededRandom } from '../testkit/SeededRandom';
import { codeOf } from '../testkit/errorCode';
import type { ChatEvent } from './events';
import type { EventStream } from './EventStream';
import { Hub } from './Hub';
import { MemoryEventLog } from './MemoryEventLog';
import { MemoryPresence } from './MemoryPresence';
import { sessionKey, type SessionKey } from './ports';

const USERS = ['u1', 'u2', 'u3', 'u4'];
const SESSIONS = ['s1', 's2', 's3'];

interface Watched {
  session: SessionKey;
  stream: EventStream;
  got: ChatEvent[];
  /** Index in the global sequence of this session's own join/add. */
  start: number;
}

/** Checks how each user's presence events follow each other in the global sequence. */
function checkPresenceSequence(global: readonly ChatEvent[]): Map<string, Set<string>> {
  const present = new Map<string, Set<string>>();
  for (const [i, event] of global.entries()) {
    if (event.type === 'message' || event.type === 'close') continue;
    const user = event.userId as string;
    const session = event.sessionId as string;
    const sessions = present.get(user) ?? new Set<string>();
    const where = `event ${i} (${event.type} ${user}/${session})`;
    if (event.type === 'join' || event.type === 'add') {
      expect(sessions.has(session), `${where}: session already present`).to.equal(false);
      expect(event.type, `${where}: first session joins, later ones add`).to.equal(
        sessions.size === 0 ? 'join' : 'add',
      );
      sessions.add(session);
      present.set(user, sessions);
    } else {
      expect(sessions.has(session), `${where}: session was not present`).to.equal(true);
      sessions.delete(session);
      expect(event.type, `${where}: last session leaves, others remove`).to.equal(
        sessions.size === 0 ? 'leave' : 'remove',
      );
      if (sessions.size === 0) present.delete(user);
    }
  }
  return present;
}

async function runSeed(seed: number, steps: number): Promise<number> {
  const random = new SeededRandom(seed);
  let done = 0;
  while (done < steps) {
    const [localLog, remoteLog] = MemoryEventLog.connected(2) as [MemoryEventLog, MemoryEventLog];
    const [localPresence, firstRemote] = MemoryPresence.connected(2) as [
      MemoryPresence,
      MemoryPresence,
    ];
    let remotePresence = firstRemote;
    const historySize = 1 + random.int(20);
    const hub = new Hub({
      chatroomId: `room-${seed}`,
      historySize,
      log: localLog,
      presence: localPresence,
    });
    const global: ChatEvent[] = [];
    const listener = hub.attachListener({ receive: (events) => void global.push(...events) });
    const watched: Watched[] = [];
    const remoteSessions = new Map<string, SessionKey>();

    for (; done < steps; done += 1) {
      const where = `seed ${seed}, step ${done}`;
      const roll = random.next();
      const user = random.pick(USERS);
      const session = { userId: user, sessionId: random.pick(SESSIONS) };
      const localNow = new Set(
        watched.filter((w) => !w.stream.ended).map((w) => sessionKey(w.session)),
      );
      const presentNow = new Set([...localNow, ...remoteSessions.keys()]);
      if (roll < 0.3) {
        const exists = presentNow.has(sessionKey(session));
        let stream: EventStream | undefined;
        const code = codeOf(() => (stream = hub.add(session.userId, session.sessionId)));
        expect(code, where).to.equal(exists ? 'AlreadyExists' : undefined);
        if (stream) watched.push({ session, stream, got: [], start: global.length });
      } else if (roll < 0.5) {
        const code = codeOf(() => hub.remove(session.userId, session.sessionId));
        expect(code, where).to.equal(localNow.has(sessionKey(session)) ? undefined : 'NotFound');
      } else if (roll < 0.7) {
        hub.message(user, `local ${done}`);
      } else if (roll < 0.8) {
        remoteLog.append(user, `remote ${done}`);
      } else if (roll < 0.95) {
        const remote = { userId: user, sessionId: `r-${random.pick(SESSIONS)}` };
        const key = sessionKey(remote);
        if (remoteSessions.has(key)) {
          remotePresence.exit(remote);
          remoteSessions.delete(key);
        } else {
          remotePresence.enter(remote);
          remoteSessions.set(key, remote);
        }
      } else if (roll < 0.96 && remoteSessions.size > 0) {
        // The remote tab crashes: its sessions time out; a new tab takes its place.
        remotePresence.vanish();
        remoteSessions.clear();
        remotePresence = localPresence.peer();
      } else if (roll < 0.965) {
        hub.close();
        done += 1;
        break;
      }
      await nextTask();
      checkInvariants(hub, global, watched, historySize, where);
      const present = checkPresenceSequence(global);
      const expected = new Set([...localNowAfter(watched), ...remoteSessions.keys()]);
      const derived = new Set(
        [...present].flatMap(([u, ids]) =>
          [...ids].map((s) => sessionKey({ userId: u, sessionId: s })),
        ),
      );
      expect([...derived].sort(), `${where}: presence`).to.deep.equal([...expected].sort());
    }
    if (!hub.closed) hub.close();
    await listener.done;
    checkInvariants(hub, global, watched, historySize, `seed ${seed} after close`);
    expect(global.at(-1)?.type).to.equal('close');
    expect(watched.every((w) => w.stream.ended)).to.equal(true);
    expect(codeOf(() => hub.add('u1', 'fresh'))).to.equal('Closed');
    localLog.destroy();
    remoteLog.destroy();
    localPresence.destroy();
    remotePresence.destroy();
  }
  return done;
}

function localNowAfter(watched: readonly Watched[]): string[] {
  return watched.filter((w) => !w.stream.ended).map((w) => sessionKey(w.session));
}

function checkInvariants(
  hub: Hub,
  global: readonly ChatEvent[],
  watched: readonly Watched[],
  historySize: number,
  where: string,
): void {
  // History is the suffix of everything delivered.
  expect(hub.history(), `${where}: history`).to.deep.equal(global.slice(-historySize));
  for (const w of watched) {
    const endedBefore = w.stream.ended && w.stream.pending === 0;
    const fresh = w.stream.take();
    if (endedBefore) expect(fresh, `${where}: event after end`).to.deep.equal([]);
    w.got.push(...fresh);
    const label = `${where}: stream of ${sessionKey(w.session)}`;
    // A session sees a contiguous run of what the listener sees, starting with its own arrival.
    expect(w.got, label).to.deep.equal(global.slice(w.start, w.start + w.got.length));
    expect(w.got[0], label).to.include({
      userId: w.session.userId,
      sessionId: w.session.sessionId,
    });
    expect(['join', 'add'], label).to.include(w.got[0]?.type);
    // Its own remove/leave never reaches it.
    const own = w.got.filter(
      (e) =>
        (e.type === 'remove' || e.type === 'leave') &&
        e.userId === w.session.userId &&
        e.sessionId === w.session.sessionId,
    );
    expect(own, label).to.deep.equal([]);
    if (!w.stream.ended) expect(w.start + w.got.length, label).to.equal(global.length);
  }
}

describe('Hub: seeded random steps', () => {
  for (const seed of [1, 2, 3, 42, 20261121]) {
    it(`keeps every invariant over 1,000 steps (seed ${seed})`, async () => {
      const steps = await runSeed(seed, 1000);
      expect(steps).to.equal(1000);
    });
  }
});
