import { expect } from '@esm-bundle/chai';
import { sessionKey, type PresenceChange, type PresencePort, type SessionKey } from './ports';
import { until } from '../testkit/waitFor';

/** What a presence implementation provides to run the contract suite. */
export interface PresenceHarness {
  /** Makes `count` replicas of one fresh room's presence, connected to each other. */
  replicas(count: number): Promise<PresencePort[]>;
  /** Takes a replica away with no goodbye (a crashed tab); the others must notice. */
  vanish(replica: PresencePort): Promise<void>;
  /** Destroys everything the harness made. */
  cleanup(): Promise<void>;
  /**
   * The users replicas 0 and 1 may announce sessions for (a presence that signs its cards
   * speaks only for its own user); default 'alice' and 'bob'.
   */
  readonly users?: readonly [string, string];
}

const keys = (sessions: readonly SessionKey[]): string[] => sessions.map(sessionKey).sort();

/** Waits until `port` reports exactly `expected` as present. */
export function sessionsAre(
  port: PresencePort,
  expected: readonly SessionKey[],
  timeoutMs?: number,
): Promise<void> {
  const want = JSON.stringify(keys(expected));
  return until(
    (onChange) => port.observe(onChange),
    () => JSON.stringify(keys(port.sessions())) === want,
    `sessions ${want} (have ${JSON.stringify(keys(port.sessions()))})`,
    timeoutMs,
  );
}

function record(port: PresencePort): PresenceChange[] {
  const changes: PresenceChange[] = [];
  port.observe((change) => changes.push(change));
  return changes;
}

const added = (changes: PresenceChange[]): string[] => keys(changes.flatMap((c) => c.added));
const removed = (changes: PresenceChange[]): string[] => keys(changes.flatMap((c) => c.removed));

/** The PresencePort contract: the in-memory presence and the awareness one both must pass it. */
export function presenceContract(name: string, makeHarness: () => PresenceHarness): void {
  describe(`PresencePort contract: ${name}`, () => {
    let harness: PresenceHarness;
    let alice1: SessionKey;
    let alice2: SessionKey;
    let bob1: SessionKey;

    beforeEach(() => {
      harness = makeHarness();
      const [alice, bob] = harness.users ?? ['alice', 'bob'];
      alice1 = { userId: alice, sessionId: 'tab-1' };
      alice2 = { userId: alice, sessionId: 'tab-2' };
      bob1 = { userId: bob, sessionId: 'tab-1' };
    });
    afterEach(async () => {
      await harness.cleanup();
    });

    it('reports a local enter before enter returns', async () => {
      const [a] = (await harness.replicas(1)) as [PresencePort];
      const changes = record(a);
      a.enter(alice1);
      expect(added(changes)).to.deep.equal(keys([alice1]));
      expect(keys(a.sessions())).to.deep.equal(keys([alice1]));
    });

    it('shows a session to the other replicas', async () => {
      const [a, b] = (await harness.replicas(2)) as [PresencePort, PresencePort];
      const changes = record(b);
      a.enter(alice1);
      await sessionsAre(b, [alice1]);
      expect(added(changes)).to.deep.equal(keys([alice1]));
    });

    it('carries several sessions of one user and of several users', async () => {
      const [a, b] = (await harness.replicas(2)) as [PresencePort, PresencePort];
      a.enter(alice1);
      a.enter(alice2);
      b.enter(bob1);
      await sessionsAre(a, [alice1, alice2, bob1]);
      await sessionsAre(b, [alice1, alice2, bob1]);
    });

    it('reports an exit locally at once and to the others', async () => {
      const [a, b] = (await harness.replicas(2)) as [PresencePort, PresencePort];
      a.enter(alice1);
      a.enter(alice2);
      await sessionsAre(b, [alice1, alice2]);
      const local = record(a);
      const remote = record(b);
      a.exit(alice2);
      expect(removed(local)).to.deep.equal(keys([alice2]));
      await sessionsAre(b, [alice1]);
      expect(removed(remote)).to.deep.equal(keys([alice2]));
    });

    it('reports a repeated enter once', async () => {
      const [a, b] = (await harness.replicas(2)) as [PresencePort, PresencePort];
      const local = record(a);
      a.enter(alice1);
      a.enter(alice1);
      b.enter(bob1);
      await sessionsAre(a, [alice1, bob1]);
      expect(added(local)).to.deep.equal(keys([alice1, bob1]));
    });

    it('notices a replica that vanished without a goodbye', async () => {
      const [a, b] = (await harness.replicas(2)) as [PresencePort, PresencePort];
      a.enter(alice1);
      b.enter(bob1);
      await sessionsAre(b, [alice1, bob1]);
      const changes = record(b);
      await harness.vanish(a);
      await sessionsAre(b, [bob1]);
      expect(removed(changes)).to.deep.equal(keys([alice1]));
    });

    it('withdraws local sessions on destroy, and destroy is idempotent', async () => {
      const [a, b] = (await harness.replicas(2)) as [PresencePort, PresencePort];
      a.enter(alice1);
      await sessionsAre(b, [alice1]);
      a.destroy();
      expect(() => a.destroy()).not.to.throw();
      await sessionsAre(b, []);
    });
  });
}
