import { expect } from '@esm-bundle/chai';
import type { EventLogPort, LogEntry } from './ports';
import { until } from '../testkit/waitFor';

/** What a log implementation provides to run the contract suite. */
export interface EventLogHarness {
  /** Makes `count` replicas of one fresh room's log, connected to each other. */
  replicas(count: number): Promise<EventLogPort[]>;
  /** The userId a replica may append as (a signing log writes only as its own user). */
  authorOf(replica: EventLogPort): string;
  /** Destroys everything the harness made. */
  cleanup(): Promise<void>;
}

/** Waits until `port` holds `count` entries. */
export function entriesReach(port: EventLogPort, count: number, timeoutMs?: number): Promise<void> {
  return until(
    (onChange) => port.observe(onChange),
    () => port.entries().length >= count,
    `${count} log entries (have ${port.entries().length})`,
    timeoutMs,
  );
}

/** Records every entry an observer is told about. */
function record(port: EventLogPort): { seen: LogEntry[]; batches: LogEntry[][]; stop: () => void } {
  const seen: LogEntry[] = [];
  const batches: LogEntry[][] = [];
  const stop = port.observe((entries) => {
    batches.push([...entries]);
    seen.push(...entries);
  });
  return { seen, batches, stop };
}

/** The EventLogPort contract: the in-memory log and the Yjs log both must pass it. */
export function eventLogContract(name: string, makeHarness: () => EventLogHarness): void {
  describe(`EventLogPort contract: ${name}`, () => {
    let harness: EventLogHarness;
    beforeEach(() => {
      harness = makeHarness();
    });
    afterEach(async () => {
      await harness.cleanup();
    });

    it('reports a local append once, with the id append returned', async () => {
      const [log] = (await harness.replicas(1)) as [EventLogPort];
      const { seen } = record(log);
      const author = harness.authorOf(log);
      const id = log.append(author, 'hello');
      expect(id).to.be.a('string').and.not.equal('');
      await entriesReach(log, 1);
      expect(seen.map((e) => e.id)).to.deep.equal([id]);
      expect(seen[0]).to.include({ id, userId: author, message: 'hello' });
      expect(seen[0]?.unixTime).to.be.a('number').above(1_600_000_000_000);
    });

    it('keeps message text exactly, markup and all', async () => {
      const [a, b] = (await harness.replicas(2)) as [EventLogPort, EventLogPort];
      const text = '<b>bold?</b> & "quotes"\nsecond line 🎉 ünïcödé';
      a.append(harness.authorOf(a), text);
      await entriesReach(b, 1);
      expect(b.entries()[0]?.message).to.equal(text);
    });

    it('delivers each entry to every other replica exactly once', async () => {
      const replicas = await harness.replicas(3);
      const recorders = replicas.map(record);
      const [a, b] = replicas as [EventLogPort, EventLogPort, EventLogPort];
      const ids = [
        a.append(harness.authorOf(a), 'one'),
        b.append(harness.authorOf(b), 'two'),
        a.append(harness.authorOf(a), 'three'),
      ];
      await Promise.all(replicas.map((r) => entriesReach(r, 3)));
      for (const { seen } of recorders) {
        expect(seen.map((e) => e.id).sort()).to.deep.equal([...ids].sort());
      }
    });

    it('converges: every replica holds the same entries in the same order', async () => {
      const replicas = await harness.replicas(3);
      replicas.forEach((replica, i) => {
        const author = harness.authorOf(replica);
        for (let n = 0; n < 20; n += 1) replica.append(author, `message ${n} from ${i}`);
      });
      await Promise.all(replicas.map((r) => entriesReach(r, 60)));
      const orders = replicas.map((r) => r.entries().map((e) => e.id));
      expect(new Set(orders[0]).size).to.equal(60);
      expect(orders[1]).to.deep.equal(orders[0]);
      expect(orders[2]).to.deep.equal(orders[0]);
    });

    it('reports each batch in converged order', async () => {
      const [a, b] = (await harness.replicas(2)) as [EventLogPort, EventLogPort];
      const { batches } = record(b);
      for (let n = 0; n < 10; n += 1) a.append(harness.authorOf(a), `m${n}`);
      await entriesReach(b, 10);
      const order = new Map(b.entries().map((e, i) => [e.id, i]));
      for (const batch of batches) {
        const positions = batch.map((e) => order.get(e.id) ?? -1);
        expect(positions).to.deep.equal([...positions].sort((x, y) => x - y));
      }
    });

    it('stops reporting after unsubscribe', async () => {
      const [a, b] = (await harness.replicas(2)) as [EventLogPort, EventLogPort];
      const { seen, stop } = record(b);
      a.append(harness.authorOf(a), 'before');
      await entriesReach(b, 1);
      stop();
      a.append(harness.authorOf(a), 'after');
      await entriesReach(b, 2);
      expect(seen.map((e) => e.message)).to.deep.equal(['before']);
    });

    it('reports only entries that arrive after observe; entries() has the older ones', async () => {
      const [a] = (await harness.replicas(1)) as [EventLogPort];
      a.append(harness.authorOf(a), 'old');
      await entriesReach(a, 1);
      const { seen } = record(a);
      a.append(harness.authorOf(a), 'new');
      await entriesReach(a, 2);
      expect(seen.map((e) => e.message)).to.deep.equal(['new']);
      expect(
        a
          .entries()
          .map((e) => e.message)
          .sort(),
      ).to.deep.equal(['new', 'old']);
    });

    it('can be destroyed twice', async () => {
      const [a] = (await harness.replicas(1)) as [EventLogPort];
      expect(() => a.destroy()).not.to.throw();
      expect(() => a.destroy()).not.to.throw();
    });
  });
}
