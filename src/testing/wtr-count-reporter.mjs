// A @web/test-runner reporter that writes the browser suites' pass/fail counts to $COUNT_FILE,
// so run-all.mjs can sum every suite into one closing line.
import { writeFileSync } from 'node:fs';

function count(suite, totals) {
  for (const test of suite.tests) {
    if (test.skipped) continue;
    if (test.passed) totals.passed += 1;
    else totals.failed += 1;
  }
  for (const child of suite.suites) count(child, totals);
}

export function countReporter() {
  return {
    onTestRunFinished({ sessions }) {
      const totals = { passed: 0, failed: 0 };
      for (const session of sessions) {
        if (session.testResults) count(session.testResults, totals);
        // A file that failed to load or threw outside a test counts as one failure.
        if (!session.passed && (session.errors?.length ?? 0) > 0) totals.failed += 1;
      }
      console.log(`browser tests: ${totals.passed} passed, ${totals.failed} failed`);
      if (process.env.COUNT_FILE) writeFileSync(process.env.COUNT_FILE, JSON.stringify(totals));
    },
  };
}
