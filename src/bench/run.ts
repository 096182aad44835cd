// `npm run bench [scenario...]`: runs the benchmark scenarios, each bounded in time, and writes
// docs/benchmarks/results.json and docs/BENCHMARKS.md with the machine they ran on.
// WebRTC scenarios need a non-loopback interface: as root, the run re-executes itself inside
// a private network namespace (src/testing/netns.sh), like the test suite.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { machineInfo } from './machine';
import { writeResults, type BenchRow } from './report';
import { localScenarios } from './scenarios/local';
import { pageScenarios } from './scenarios/page';
import { scaleScenarios } from './scenarios/scale';
import { root, type Scenario } from './scenarios/scenario';
import { signalingScenarios } from './scenarios/signaling';
import { webrtcScenarios } from './scenarios/webrtc';
import { startRig, type BenchRig } from './webrtcBench';

if (process.env.MESHCHAT_NETNS !== '1' && process.env.MESHCHAT_NO_NETNS !== '1') {
  const probe = spawnSync('unshare', ['-n', 'true'], { stdio: 'ignore' });
  if (probe.status === 0) {
    const result = spawnSync(
      'unshare',
      [
        '-n',
        'sh',
        'src/testing/netns.sh',
        process.execPath,
        ...process.execArgv,
        ...process.argv.slice(1),
      ],
      { cwd: root, stdio: 'inherit' },
    );
    process.exit(result.status ?? 1);
  }
}

// The table, in the order a full run takes and the results list them.
const scenarios: Record<string, Scenario> = {
  ...localScenarios,
  ...webrtcScenarios,
  ...scaleScenarios,
  ...signalingScenarios,
  ...pageScenarios,
};

interface StoredResults {
  scenarios: Record<string, unknown>;
  rows: (BenchRow & { key?: string })[];
  wallSeconds: Record<string, number>;
  ranAt: Record<string, string>;
}

function readPrevious(path: string): StoredResults {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<StoredResults>;
    return {
      scenarios: parsed.scenarios ?? {},
      rows: parsed.rows ?? [],
      wallSeconds: parsed.wallSeconds ?? {},
      ranAt: parsed.ranAt ?? {},
    };
  } catch {
    return { scenarios: {}, rows: [], wallSeconds: {}, ranAt: {} };
  }
}

/** Table names of scenarios whose key differs (rows written before rows carried keys). */
const KEY_OF_NAME: Record<string, string> = {
  'delivery latency': 'latency',
  'catch-up': 'catchup',
  'room scale': 'scale',
  'cold open': 'coldopen',
};

/** Which scenario a stored row came from. */
const scenarioOf = (row: BenchRow & { key?: string }): string =>
  row.key ?? KEY_OF_NAME[row.scenario] ?? row.scenario;

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const names = wanted.length > 0 ? wanted : Object.keys(scenarios);
  const raw: Record<string, unknown> = {};
  const rows: BenchRow[] = [];
  const rowKeys: string[] = [];
  const wallSeconds: Record<string, number> = {};
  const ranAt: Record<string, string> = {};
  const runStarted = performance.now();
  const seconds = (since: number): number => Math.round((performance.now() - since) / 100) / 10;
  let rig: BenchRig | undefined;
  const getRig = async (): Promise<BenchRig> => (rig ??= await startRig());
  // Interrupted: close the browser and the server, then exit; exiting kills every other
  // child still running (Node peers, signaling servers; see children.ts).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`bench: ${signal}, stopping`);
      const closing = rig?.close() ?? Promise.resolve();
      const late = new Promise((resolve) => setTimeout(resolve, 10_000));
      void Promise.race([closing, late]).finally(() => process.exit(130));
    });
  }
  try {
    for (const name of names) {
      const scenario = scenarios[name];
      if (!scenario) {
        throw new Error(`unknown scenario "${name}"; known: ${Object.keys(scenarios).join(', ')}`);
      }
      console.log(`bench: ${name}`);
      const started = performance.now();
      let result: { raw: unknown; rows: BenchRow[] };
      try {
        result = await scenario(getRig);
      } catch (error) {
        // One scenario failing must not lose the others' figures: it gets a row saying so.
        const message = error instanceof Error ? error.message : String(error);
        console.error(`bench: ${name} failed: ${message}`);
        result = {
          raw: { error: message },
          rows: [{ scenario: name, measure: 'run', value: `failed: ${message}`, met: false }],
        };
      }
      raw[name] = result.raw;
      rows.push(...result.rows);
      rowKeys.push(...result.rows.map(() => name));
      // The first scenario that needs the rig also pays for starting it (a few seconds).
      wallSeconds[name] = seconds(started);
      ranAt[name] = new Date().toISOString();
      for (const row of result.rows) console.log(`  ${row.measure}: ${row.value}`);
      console.log(`bench: ${name} took ${wallSeconds[name]} s`);
      save(names, raw, rows, rowKeys, wallSeconds, ranAt);
    }
  } finally {
    await rig?.close();
  }
  console.log(`bench: ${names.length} scenarios in ${seconds(runStarted)} s`);
  console.log('bench: wrote docs/benchmarks/results.json and docs/BENCHMARKS.md');
}

/** Writes what has been measured so far, keeping the last figures of scenarios not run. */
function save(
  names: readonly string[],
  raw: Record<string, unknown>,
  rows: readonly BenchRow[],
  rowKeys: readonly string[],
  wallSeconds: Readonly<Record<string, number>>,
  ranAt: Readonly<Record<string, string>>,
): void {
  // A run of some scenarios replaces theirs and keeps the others' last figures.
  const order = Object.keys(scenarios);
  const previous = readPrevious(join(root, 'docs', 'benchmarks', 'results.json'));
  const kept = previous.rows.filter((row) => !names.includes(scenarioOf(row)));
  const results = {
    machine: machineInfo(),
    scenarios: { ...previous.scenarios, ...raw },
    wallSeconds: Object.fromEntries(
      order
        .map((name) => [name, wallSeconds[name] ?? previous.wallSeconds[name]] as const)
        .filter((entry): entry is readonly [string, number] => entry[1] !== undefined),
    ),
    ranAt: { ...previous.ranAt, ...ranAt },
    rows: [...kept, ...rows.map((row, i) => ({ ...row, key: rowKeys[i] }))].sort(
      (a, b) => order.indexOf(scenarioOf(a)) - order.indexOf(scenarioOf(b)),
    ),
  };
  writeResults(
    results,
    join(root, 'docs', 'benchmarks', 'results.json'),
    join(root, 'docs', 'BENCHMARKS.md'),
  );
}

await main();
