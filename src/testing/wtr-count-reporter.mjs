// A @web/test-runner reporter that writes the browser suites' pass/fail counts to $COUNT_FILE,
// so run-all.mjs can sum every suite into one closing line. Files that never loaded (the
// browser could not import the test module, so none of its tests ran) are listed apart, with
// what the browser said, so that run-all.mjs can give them one more try.
import { relative } from 'node:path';
import { writeFileSync } from 'node:fs';

function count(suite, totals) {
  for (const test of suite.tests) {
    if (test.skipped) continue;
    if (test.passed) totals.passed += 1;
    else totals.failed += 1;
  }
  for (const child of suite.suites) count(child, totals);
}

function testsIn(suite) {
  if (!suite) return 0;
  return suite.tests.length + suite.suites.reduce((sum, child) => sum + testsIn(child), 0);
}

export function countReporter() {
  return {
    onTestRunFinished({ sessions }) {
      const totals = { passed: 0, failed: 0, unloaded: [] };
      for (const session of sessions) {
        if (session.testResults) count(session.testResults, totals);
        if (session.passed || (session.errors?.length ?? 0) === 0) continue;
        // A file that failed to load or threw outside a test counts as one failure.
        totals.failed += 1;
        if (testsIn(session.testResults) === 0) {
          const file = relative(process.cwd(), session.testFile);
          totals.unloaded.push(file);
          console.log(`browser tests: ${file} did not load:`);
          for (const error of session.errors) console.log(`  ${error.stack ?? error.message}`);
          for (const log of session.logs ?? []) console.log(`  browser log: ${log.join(' ')}`);
        }
      }
      console.log(`browser tests: ${totals.passed} passed, ${totals.failed} failed`);
      if (process.env.COUNT_FILE) writeFileSync(process.env.COUNT_FILE, JSON.stringify(totals));
    },
  };
}
