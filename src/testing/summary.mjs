// The closing lines of a test run: one line per suite, then the sum in the one form CI reads,
// "N passed, N failed, N skipped". Kept apart from run-all.mjs so that its format is tested.

/** Counts of one suite; a suite that ran some files twice names them in `retried`. */
export function suiteLine(name, counts) {
  const retried = counts.retried?.length ? ` (retried: ${counts.retried.join(', ')})` : '';
  return `  ${name}: ${countsText(counts)}${retried}`;
}

/** "N passed, N failed, N skipped" (a missing count is 0). */
export function countsText({ passed = 0, failed = 0, skipped = 0 }) {
  return `${passed} passed, ${failed} failed, ${skipped} skipped`;
}

/** The sum of every suite's counts. */
export function total(results) {
  const sum = { passed: 0, failed: 0, skipped: 0 };
  for (const counts of Object.values(results)) {
    sum.passed += counts.passed ?? 0;
    sum.failed += counts.failed ?? 0;
    sum.skipped += counts.skipped ?? 0;
  }
  return sum;
}

/** The summary block: a header, one line per suite, and the total as the very last line. */
export function summary(results) {
  const lines = Object.entries(results).map(([name, counts]) => suiteLine(name, counts));
  return ['=== summary', ...lines, countsText(total(results))].join('\n');
}
