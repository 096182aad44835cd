// A @web/test-runner reporter that writes the browser suites' passed, failed and skipped counts
// to $COUNT_FILE, so run-all.mjs can sum every suite into one closing line; skipped tests are
// listed by name, so that none goes unnoticed. Files that never loaded (the browser could not
// import the test module, so none of its tests ran) are listed apart, with what the browser
// said, so that run-all.mjs can give them one more try.
import { relative } from 'node:path';
import { writeFileSync } from 'node:fs';

/** Adds the tests of `suite` (and its children) to `totals`, naming each skipped one. */
export function count(suite, totals, file = '', path = []) {
  const here = suite.name ? [...path, suite.name] : path;
  for (const test of suite.tests) {
    if (test.skipped) {
      totals.skipped += 1;
      totals.skippedTests.push(`${file}: ${[...here, test.name].join(' > ')}`);
    } else if (test.passed) totals.passed += 1;
    else totals.failed += 1;
  }
  for (const child of suite.suites) count(child, totals, file, here);
}

function testsIn(suite) {
  if (!suite) return 0;
  return suite.tests.length + suite.suites.reduce((sum, child) => sum + testsIn(child), 0);
}

/**
 * The counts of a finished run's sessions. `unloaded` lists the files that never loaded (with
 * what the browser said in `loadErrors`); `skippedTests` names every skipped test.
 */
export function countSessions(sessions, cwd = process.cwd()) {
  const totals = {
    passed: 0,
    failed: 0,
    skipped: 0,
    skippedTests: [],
    unloaded: [],
    loadErrors: [],
  };
  for (const session of sessions) {
    const file = relative(cwd, session.testFile);
    if (session.testResults) count(session.testResults, totals, file);
    if (session.passed || (session.errors?.length ?? 0) === 0) continue;
    // A file that failed to load or threw outside a test counts as one failure.
    totals.failed += 1;
    if (testsIn(session.testResults) === 0) {
      totals.unloaded.push(file);
      totals.loadErrors.push(
        `${file} did not load:`,
        ...session.errors.map((error) => `  ${error.stack ?? error.message}`),
        ...(session.logs ?? []).map((log) => `  browser log: ${log.join(' ')}`),
      );
    }
  }
  return totals;
}

export function countReporter() {
  return {
    onTestRunFinished({ sessions }) {
      const totals = countSessions(sessions);
      for (const line of totals.loadErrors) console.log(`browser tests: ${line}`);
      for (const name of totals.skippedTests) console.log(`browser tests: skipped ${name}`);
      console.log(
        `browser tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`,
      );
      if (process.env.COUNT_FILE) writeFileSync(process.env.COUNT_FILE, JSON.stringify(totals));
    },
  };
}
