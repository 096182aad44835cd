// A node:test reporter that prints one line per test and, at the end, writes the pass/fail
// counts to $COUNT_FILE so run-all.mjs can sum every suite into one closing line.
import { writeFileSync } from 'node:fs';

export default async function* countReporter(source) {
  let passed = 0;
  let failed = 0;
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') {
      if (event.type === 'test:diagnostic' && event.data.nesting === 0) {
        yield `# ${event.data.message}\n`;
      }
      continue;
    }
    const { name, nesting, details, file } = event.data;
    const indent = '  '.repeat(nesting);
    const isSuite = details?.type === 'suite';
    if (event.type === 'test:pass') {
      if (!isSuite) passed += 1;
      yield `${indent}${isSuite ? '▶' : '✔'} ${name} (${Math.round(details?.duration_ms ?? 0)} ms)\n`;
    } else {
      if (!isSuite) failed += 1;
      const error = details?.error;
      const cause = error?.cause ?? error;
      yield `${indent}✖ ${name}${file ? ` [${file}]` : ''}\n${indent}  ${String(
        cause?.stack ?? cause?.message ?? cause,
      )
        .split('\n')
        .join(`\n${indent}  `)}\n`;
    }
  }
  yield `node tests: ${passed} passed, ${failed} failed\n`;
  if (process.env.COUNT_FILE)
    writeFileSync(process.env.COUNT_FILE, JSON.stringify({ passed, failed }));
}
