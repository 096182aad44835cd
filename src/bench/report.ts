import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { MachineInfo } from './machine';

/** One line of the benchmark table: a figure beside its target and anchor. */
export interface BenchRow {
  readonly scenario: string;
  readonly measure: string;
  readonly value: string;
  readonly target?: string;
  readonly anchor?: string;
  /** Whether the target was met; undefined where there is no target. */
  readonly met?: boolean;
}

/** Everything one `npm run bench` produced. */
export interface BenchResults {
  readonly machine: MachineInfo;
  readonly scenarios: Record<string, unknown>;
  /** Wall time of each scenario's last run, in seconds. */
  readonly wallSeconds?: Readonly<Record<string, number>>;
  /** When each scenario last ran (ISO time); a partial run keeps the others' figures. */
  readonly ranAt?: Readonly<Record<string, string>>;
  readonly rows: readonly BenchRow[];
}

const cell = (text: string | undefined): string => (text ?? '').replaceAll('|', '\\|');

/** Renders the results as the Markdown page docs/BENCHMARKS.md. */
export function renderMarkdown(results: BenchResults): string {
  const { machine } = results;
  const lines = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (src/bench/run.ts); the raw figures are in',
    '`docs/benchmarks/results.json`. Targets are goals for the code, not test assertions.',
    '',
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os};`,
    `Node ${machine.node}; ${machine.chromium}; written ${machine.date}.`,
    '',
    ...ranAtLine(results),
    '| scenario | measure | value | target | anchor | met |',
    '|---|---|---|---|---|---|',
    ...results.rows.map(
      (row) =>
        `| ${cell(row.scenario)} | ${cell(row.measure)} | ${cell(row.value)} | ${cell(row.target)} | ${cell(row.anchor)} | ${row.met === undefined ? '' : row.met ? 'yes' : '**no**'} |`,
    ),
    '',
  ];
  const walls = Object.entries(results.wallSeconds ?? {});
  if (walls.length > 0) {
    const total = walls.reduce((sum, [, s]) => sum + s, 0);
    lines.push(
      `Wall time of each scenario's last run (s): ${walls.map(([name, s]) => `${name} ${s}`).join(', ')}; together ${Math.round(total)} s.`,
      '',
    );
  }
  return lines.join('\n');
}

/** Which scenario ran when: figures of a partial run sit beside older ones. */
function ranAtLine(results: BenchResults): string[] {
  const scenarios = Object.keys(results.wallSeconds ?? results.scenarios);
  if (scenarios.length === 0) return [];
  const when = (name: string): string =>
    results.ranAt?.[name] ?? 'an earlier run, time not recorded';
  return [
    `Each scenario's figures are from its last run: ${scenarios.map((name) => `${name} ${when(name)}`).join('; ')}.`,
    '',
  ];
}

/** Writes results.json and BENCHMARKS.md. */
export function writeResults(results: BenchResults, jsonPath: string, markdownPath: string): void {
  mkdirSync(dirname(jsonPath), { recursive: true });
  writeFileSync(jsonPath, JSON.stringify(results, null, 2) + '\n');
  writeFileSync(markdownPath, renderMarkdown(results));
}
