// The counting reporters, run for real on fixture files with one test of each outcome: a skip
// (or todo) must count as skipped, never as passed, and the closing line must keep the one
// form CI reads.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { suiteLine, summary } from './summary.mjs';

const root = new URL('../..', import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), 'count-reporters-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs a command in the repository; resolves with its exit code and output. */
function runIn(command, args, env, timeoutMs) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk.toString()));
    child.stderr.on('data', (chunk) => (out += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish in ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

/** This process's environment for a nested run, with its own count file. */
function envFor(countFile) {
  const env = { ...process.env, COUNT_FILE: countFile };
  // Set by the outer node:test run; a nested `node --test` that inherits it reports to the
  // outer runner's protocol instead of through the reporter under test.
  delete env.NODE_TEST_CONTEXT;
  return env;
}

describe('the node:test count reporter', () => {
  it('counts a pass, a fail, and skipped, todo and skipped-suite tests as skipped', async () => {
    const countFile = join(scratch, 'node.json');
    const { code, out } = await runIn(
      process.execPath,
      [
        '--test',
        '--test-reporter=./src/testing/node-count-reporter.mjs',
        'src/testing/fixtures/nodeCounts.fixture.mjs',
      ],
      envFor(countFile),
      60_000,
    );
    assert.notEqual(code, 0, 'the fixture has a failing test');
    assert.deepEqual(JSON.parse(readFileSync(countFile, 'utf8')), {
      passed: 1,
      failed: 1,
      skipped: 3,
    });
    assert.match(out, /^node tests: 1 passed, 1 failed, 3 skipped$/m);
    assert.match(out, /skips at run time # SKIP: the fixture has no network namespace/);
    assert.match(out, /is not written yet # TODO/);
  });
});

describe('the @web/test-runner count reporter', () => {
  it('counts a pass, a fail, and both kinds of mocha skip as skipped, by name', async () => {
    const countFile = join(scratch, 'browser.json');
    const { out } = await runIn(
      'npx',
      ['web-test-runner', 'src/testing/fixtures/browserCounts.fixture.js'],
      envFor(countFile),
      180_000,
    );
    const counts = JSON.parse(readFileSync(countFile, 'utf8'));
    assert.deepEqual(
      { passed: counts.passed, failed: counts.failed, skipped: counts.skipped },
      { passed: 1, failed: 1, skipped: 2 },
      out,
    );
    assert.deepEqual(counts.skippedTests, [
      'src/testing/fixtures/browserCounts.fixture.js: counts fixture > is skipped by its author',
      'src/testing/fixtures/browserCounts.fixture.js: counts fixture > skips at run time',
    ]);
    assert.deepEqual(counts.unloaded, []);
  });
});

describe('the run summary', () => {
  it('ends with "N passed, N failed, N skipped" summed over the suites', () => {
    const text = summary({
      lint: { passed: 1, failed: 0, skipped: 0 },
      node: { passed: 40, failed: 1, skipped: 2 },
      browser: { passed: 300, failed: 0, skipped: 1, retried: [] },
    });
    const last = text.split('\n').at(-1);
    assert.equal(last, '341 passed, 1 failed, 3 skipped');
    assert.match(last, /^\d+ passed, \d+ failed(, \d+ skipped)?$/);
    assert.match(text, /^ {2}node: 40 passed, 1 failed, 2 skipped$/m);
  });

  it('names the files a suite ran a second time', () => {
    assert.equal(
      suiteLine('browser', {
        passed: 5,
        failed: 0,
        skipped: 0,
        retried: ['src/a.test.ts', 'src/b.test.ts'],
      }),
      '  browser: 5 passed, 0 failed, 0 skipped (retried: src/a.test.ts, src/b.test.ts)',
    );
  });
});
