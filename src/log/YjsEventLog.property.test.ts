// The Yjs event log under random partitions and merges, as a seeded property (fast-check):
// several documents, each with its own log and author, append at random while the network
// splits into groups that exchange updates only among themselves, delivers some updates one
// way only, and heals. Whatever happened, once every document has exchanged with every other,
// all of them show the same entries in the same order, and none that was appended is lost.
import { expect } from '@esm-bundle/chai';
import fc from 'fast-check';
import * as Y from 'yjs';
import { Identity } from '../identity/Identity';
import { MemoryKeyStore } from '../identity/MemoryKeyStore';
import { Verifier } from '../identity/Verifier';
import { YjsEventLog } from './YjsEventLog';

/** Fixed, so that CI runs the same cases every time; a failure prints the seed and path. */
const SEED = 20_261_127;
const RUNS = 40;
const MAX_REPLICAS = 5;
const ROOM = 'room-partitions';
/** The clock every replica reads, give or take its own skew. */
const START = Date.UTC(2026, 10, 1);

type Step =
  /** A replica's author appends a message. */
  | { readonly kind: 'append'; readonly replica: number; readonly text: string }
  /** The network splits: each replica lands in the group named by its index. */
  | { readonly kind: 'split'; readonly groups: readonly number[] }
  /** Two groups join into one. */
  | { readonly kind: 'merge'; readonly from: number; readonly into: number }
  /** Every partition heals. */
  | { readonly kind: 'heal' }
  /** One replica sends another what it lacks (dropped when a partition lies between them). */
  | { readonly kind: 'send'; readonly from: number; readonly to: number }
  /** Within each group, every pair exchanges both ways. */
  | { readonly kind: 'gossip' }
  /** One replica finishes signing what it appended and checking what it received. */
  | { readonly kind: 'settle'; readonly replica: number }
  /** The shared clock moves on (by 0 too: many appends in one millisecond). */
  | { readonly kind: 'tick'; readonly ms: number };

interface Scenario {
  readonly replicas: number;
  /** Each replica's clock skew in ms, well inside what readers accept. */
  readonly skews: readonly number[];
  readonly steps: readonly Step[];
}

const stepOf = (n: number): fc.Arbitrary<Step> => {
  const replica = fc.nat(n - 1);
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('append' as const),
        replica,
        text: fc.string({ minLength: 1, maxLength: 12 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('split' as const),
        groups: fc.array(replica, { minLength: n, maxLength: n }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('merge' as const), from: replica, into: replica }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('heal' as const) }) },
    {
      weight: 3,
      arbitrary: fc.record({ kind: fc.constant('send' as const), from: replica, to: replica }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('gossip' as const) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('settle' as const), replica }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('tick' as const),
        ms: fc.integer({ min: 0, max: 3000 }),
      }),
    },
  );
};

const scenarios: fc.Arbitrary<Scenario> = fc.integer({ min: 2, max: MAX_REPLICAS }).chain((n) =>
  fc.record({
    replicas: fc.constant(n),
    skews: fc.array(fc.integer({ min: -5000, max: 5000 }), { minLength: n, maxLength: n }),
    steps: fc.array(stepOf(n), { minLength: 1, maxLength: 40 }),
  }),
);

interface Replica {
  readonly doc: Y.Doc;
  readonly log: YjsEventLog;
  readonly author: Identity;
}

/** Sends `to` what `from` has and it lacks: Yjs's sync step 2. */
function send(from: Y.Doc, to: Y.Doc): void {
  Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));
}

/** Waits until a replica has signed what it appended and checked what it received. */
async function settle(replica: Replica): Promise<void> {
  // Checking one batch may enqueue the entries that waited for it: a few rounds settle that.
  for (let round = 0; round < 3; round += 1) await replica.log.whenProcessed();
}

/** What a scenario left: each replica's entries, and what was appended. */
interface Outcome {
  /** Per replica, the entries it shows, in its order. */
  readonly shown: readonly (readonly Shown[])[];
  /** Every appended entry by id. */
  readonly appended: ReadonlyMap<string, { readonly author: string; readonly text: string }>;
  /** Each author's ids in the order that author appended them. */
  readonly order: ReadonlyMap<string, readonly string[]>;
}

interface Shown {
  readonly id: string;
  readonly author: string;
  readonly text: string;
}

/** Runs one scenario; returns what each replica shows at the end and what was appended. */
async function play(scenario: Scenario, authors: readonly Identity[]): Promise<Outcome> {
  const clock = { now: START };
  const replicas: Replica[] = [];
  for (let i = 0; i < scenario.replicas; i += 1) {
    const doc = new Y.Doc();
    const author = authors[i] as Identity;
    const skew = scenario.skews[i] ?? 0;
    const log = new YjsEventLog({
      doc,
      roomId: ROOM,
      signer: author,
      verifier: new Verifier(),
      now: () => clock.now + skew,
    });
    replicas.push({ doc, log, author });
  }
  const at = (i: number): Replica => replicas[i] as Replica;
  const groups = replicas.map(() => 0);
  const appended = new Map<string, { author: string; text: string }>();
  const order = new Map<string, string[]>();
  try {
    for (const step of scenario.steps) {
      switch (step.kind) {
        case 'append': {
          const { author, log } = at(step.replica);
          const id = log.append(author.userId, step.text);
          appended.set(id, { author: author.userId, text: step.text });
          order.set(author.userId, [...(order.get(author.userId) ?? []), id]);
          break;
        }
        case 'split':
          step.groups.forEach((group, i) => (groups[i] = group));
          break;
        case 'merge':
          groups.forEach((group, i) => {
            if (group === step.from) groups[i] = step.into;
          });
          break;
        case 'heal':
          groups.fill(0);
          break;
        case 'send':
          if (groups[step.from] === groups[step.to]) send(at(step.from).doc, at(step.to).doc);
          break;
        case 'gossip':
          for (let a = 0; a < replicas.length; a += 1) {
            for (let b = 0; b < replicas.length; b += 1) {
              if (a !== b && groups[a] === groups[b]) send(at(a).doc, at(b).doc);
            }
          }
          break;
        case 'settle': {
          await settle(at(step.replica));
          // Mid-partition too: each entry shown once, and only entries someone appended.
          const ids = at(step.replica)
            .log.entries()
            .map((e) => e.id);
          expect(new Set(ids).size, 'an entry shown twice').to.equal(ids.length);
          for (const id of ids) expect(appended.has(id), `unknown entry ${id}`).to.equal(true);
          break;
        }
        case 'tick':
          clock.now += step.ms;
          break;
      }
    }
    // Every partition heals: each replica signs what it has, all exchange with all, and the
    // received entries are checked.
    await Promise.all(replicas.map(settle));
    for (const from of replicas) for (const to of replicas) if (from !== to) send(from.doc, to.doc);
    await Promise.all(replicas.map(settle));
    const shown = replicas.map((r) =>
      r.log.entries().map((e) => ({ id: e.id, author: e.userId, text: e.message })),
    );
    return { shown, appended, order };
  } finally {
    for (const { log, doc } of replicas) {
      log.destroy();
      doc.destroy();
    }
  }
}

describe('YjsEventLog: random partitions and merges (seeded property)', () => {
  let authors: Identity[] = [];
  before(async () => {
    authors = await Promise.all(
      Array.from({ length: MAX_REPLICAS }, () => Identity.loadOrCreate(new MemoryKeyStore())),
    );
  });

  it('converges: after a full exchange every replica shows all entries, in one order', async function () {
    this.timeout(180_000);
    await fc.assert(
      fc.asyncProperty(scenarios, async (scenario) => {
        const { shown, appended, order } = await play(scenario, authors);
        const first = shown[0] ?? [];
        // One order everywhere, the same entries with the same authors and texts.
        for (const entries of shown) expect(entries).to.deep.equal(first);
        // Nothing lost and nothing invented: exactly the appended entries, each once, each
        // with the author and text it was appended with.
        expect(first.map((e) => e.id).sort()).to.deep.equal([...appended.keys()].sort());
        for (const { id, author, text } of first) {
          expect({ author, text }).to.deep.equal(appended.get(id));
        }
        // Each author's entries in the order that author wrote them.
        for (const [author, ids] of order) {
          expect(first.filter((e) => e.author === author).map((e) => e.id)).to.deep.equal(ids);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('converges after a three-way split, a merge of two sides and the heal', async function () {
    this.timeout(60_000);
    // One concrete case beside the random ones: a three-way split, appends on every side,
    // a merge of two sides, then the heal.
    const scenario: Scenario = {
      replicas: 3,
      skews: [0, 2000, -2000],
      steps: [
        { kind: 'append', replica: 0, text: 'before the split' },
        { kind: 'settle', replica: 0 },
        { kind: 'gossip' },
        { kind: 'split', groups: [0, 1, 2] },
        { kind: 'append', replica: 0, text: 'alone 0' },
        { kind: 'append', replica: 1, text: 'alone 1' },
        { kind: 'tick', ms: 0 },
        { kind: 'append', replica: 2, text: 'alone 2' },
        { kind: 'settle', replica: 1 },
        { kind: 'merge', from: 1, into: 2 },
        { kind: 'gossip' },
        { kind: 'send', from: 0, to: 1 },
      ],
    };
    const { shown } = await play(scenario, authors);
    const [first, ...others] = shown;
    expect(first?.map((e) => e.text)).to.have.members([
      'before the split',
      'alone 0',
      'alone 1',
      'alone 2',
    ]);
    for (const entries of others) expect(entries).to.deep.equal(first);
  });
});
