/**
 * Child processes a benchmark starts: each is tracked until it exits, so that no exit path of
 * the benchmark (a failure, a timeout, Ctrl-C) leaves one running.
 */
import type { ChildProcess } from 'node:child_process';

const running = new Set<ChildProcess>();
process.on('exit', killAllChildren);

/** Kills every tracked child still running (synchronous, for exit paths). */
export function killAllChildren(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

/** A tracked child: `exited` settles when it has gone, `stop()` makes it go. */
export interface TrackedChild {
  readonly exited: Promise<void>;
  /** SIGTERM (or `ask`), then SIGKILL after `graceMs`; resolves once it has exited. Idempotent. */
  stop(graceMs?: number, ask?: () => void): Promise<void>;
}

export function track(child: ChildProcess): TrackedChild {
  running.add(child);
  const gone = (): boolean => child.exitCode !== null || child.signalCode !== null;
  const exited = new Promise<void>((done) => {
    if (gone()) done();
    child.once('exit', () => done());
  }).finally(() => running.delete(child));
  let stopping: Promise<void> | undefined;
  return {
    exited,
    stop(graceMs = 5000, ask = () => child.kill('SIGTERM')) {
      stopping ??= (async () => {
        if (!gone()) {
          ask();
          const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          await exited;
          clearTimeout(killer);
        }
      })();
      return stopping;
    },
  };
}

/** How many tracked children have not exited yet. */
export function runningChildren(): number {
  return running.size;
}
