// `npm run bench [scenario...]`: runs the benchmark scenarios, each bounded in time, and writes
// docs/benchmarks/results.json and docs/BENCHMARKS.md with the machine they ran on.
import { join } from 'node:path';
import { hubScenario } from './hubBench';
import { machineInfo } from './machine';
import { writeResults, type BenchRow } from './report';

const root = join(import.meta.dirname, '..', '..');

type Scenario = () => Promise<{ raw: unknown; rows: BenchRow[] }>;

const scenarios: Record<string, Scenario> = {
  hub: () => {
    const figures = hubScenario();
    const rows = figures.map((f) => ({
      scenario: 'hub',
      measure: `deliveries/s, ${f.subscribers} subscriber${f.subscribers === 1 ? '' : 's'}`,
      value: f.deliveriesPerSec.toLocaleString('en-US'),
      target: 'report',
    }));
    return Promise.resolve({ raw: figures, rows });
  },
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const names = wanted.length > 0 ? wanted : Object.keys(scenarios);
  const raw: Record<string, unknown> = {};
  const rows: BenchRow[] = [];
  for (const name of names) {
    const scenario = scenarios[name];
    if (!scenario)
      throw new Error(`unknown scenario "${name}"; known: ${Object.keys(scenarios).join(', ')}`);
    console.log(`bench: ${name}`);
    const result = await scenario();
    raw[name] = result.raw;
    rows.push(...result.rows);
    for (const row of result.rows) console.log(`  ${row.measure}: ${row.value}`);
  }
  const results = { machine: machineInfo(), scenarios: raw, rows };
  writeResults(
    results,
    join(root, 'docs', 'benchmarks', 'results.json'),
    join(root, 'docs', 'BENCHMARKS.md'),
  );
  console.log('bench: wrote docs/benchmarks/results.json and docs/BENCHMARKS.md');
}

await main();
