// A node:test reporter that prints one line per test and, at the end, writes the passed, failed
// and skipped counts to $COUNT_FILE so run-all.mjs can sum every suite into one closing line.
// node:test reports a skipped or todo test as `test:pass` (with `skip` or `todo` set); those
// count as skipped here, never as passed. A failing todo does not fail the run in node:test, so
// it counts as skipped too; a test that called `t.skip()` and then threw does fail the run, so
// it counts as failed.
import { writeFileSync } from 'node:fs';

/** How one `test:pass`/`test:fail` event counts: 'passed', 'failed' or 'skipped'. */
export function verdict(event) {
  const { skip, todo } = event.data;
  if (todo !== undefined && todo !== false) return 'skipped';
  if (event.type === 'test:fail') return 'failed';
  if (skip !== undefined && skip !== false) return 'skipped';
  return 'passed';
}

function reason(flag) {
  return typeof flag === 'string' && flag !== '' ? `: ${flag}` : '';
}

export default async function* countReporter(source) {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') {
      if (event.type === 'test:diagnostic' && event.data.nesting === 0) {
        yield `# ${event.data.message}\n`;
      }
      continue;
    }
    const { name, nesting, details, file, skip, todo } = event.data;
    const indent = '  '.repeat(nesting);
    const isSuite = details?.type === 'suite';
    const outcome = verdict(event);
    // A suite's own pass or fail is the sum of its tests, which count themselves; a skipped
    // suite never runs its body, so its tests are never reported and it counts as one skip.
    if (!isSuite || outcome === 'skipped') counts[outcome] += 1;
    const ms = `(${Math.round(details?.duration_ms ?? 0)} ms)`;
    if (outcome === 'skipped') {
      const label =
        todo !== undefined && todo !== false ? `TODO${reason(todo)}` : `SKIP${reason(skip)}`;
      yield `${indent}﹣ ${name} # ${label}\n`;
    } else if (outcome === 'passed') {
      yield `${indent}${isSuite ? '▶' : '✔'} ${name} ${ms}\n`;
    } else {
      const error = details?.error;
      const cause = error?.cause ?? error;
      yield `${indent}✖ ${name}${file ? ` [${file}]` : ''}\n${indent}  ${String(
        cause?.stack ?? cause?.message ?? cause,
      )
        .split('\n')
        .join(`\n${indent}  `)}\n`;
    }
  }
  yield `node tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`;
  if (process.env.COUNT_FILE) writeFileSync(process.env.COUNT_FILE, JSON.stringify(counts));
}
