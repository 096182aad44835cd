// The benchmark's child-process bookkeeping: a child that ignores SIGTERM is still made to go,
// and nothing stays tracked once the children have exited.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { it } from 'node:test';
import { runningChildren, track } from './children';

/** A Node child that ignores SIGTERM and runs until killed; resolves once it is listening. */
async function stubborn(): Promise<ReturnType<typeof spawn>> {
  const child = spawn(
    process.execPath,
    ['-e', "process.on('SIGTERM', () => {}); console.log('up'); setInterval(() => {}, 1000);"],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await once(child.stdout, 'data');
  return child;
}

it('stop() ends a child that ignores SIGTERM with SIGKILL after the grace time', async () => {
  const child = await stubborn();
  const tracked = track(child);
  assert.equal(runningChildren(), 1);
  await tracked.stop(200);
  assert.equal(child.signalCode, 'SIGKILL');
  assert.equal(runningChildren(), 0);
  // Stopping again is a no-op that resolves.
  await tracked.stop(200);
});

it('stop() asks the way it is told first, and a child that listens exits by itself', async () => {
  const child = spawn(process.execPath, ['-e', "process.on('message', () => process.exit(0));"], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const tracked = track(child);
  await tracked.stop(10_000, () => child.send('stop'));
  assert.equal(child.exitCode, 0);
  assert.equal(runningChildren(), 0);
});
