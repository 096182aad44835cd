/**
 * Debian's coturn (`turnserver`) for a test: REST-secret authentication, no TLS, no CLI, no
 * config file, listening on one address the caller chooses (127.0.0.1, or an address inside a
 * network namespace the test made). Stopping it is idempotent and always waits for the exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian installs coturn's server. */
export const TURNSERVER = '/usr/bin/turnserver';

/** Why coturn tests cannot run here, or null when they can. */
export function coturnMissing(): string | null {
  return existsSync(TURNSERVER) ? null : `${TURNSERVER} not found (apt-get install coturn)`;
}

/** Options of {@link startCoturn}. */
export interface CoturnOptions {
  readonly address: string;
  readonly port: number;
  readonly secret: string;
  readonly realm: string;
  /** Runs coturn through this command prefix, e.g. ['ip', 'netns', 'exec', 'pub']. */
  readonly prefix?: readonly string[];
  /** Lets relays reach peers on loopback (only for tests on 127.0.0.1). */
  readonly allowLoopbackPeers?: boolean;
}

/** A running coturn. */
export interface Coturn {
  readonly child: ChildProcess;
  /** What coturn printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

/** Starts coturn; resolves once it reports its relay ports ready. */
export async function startCoturn(options: CoturnOptions): Promise<Coturn> {
  const dir = mkdtempSync(join(tmpdir(), 'meshchat-coturn-'));
  const args = [
    TURNSERVER,
    '-n',
    `--listening-ip=${options.address}`,
    `--relay-ip=${options.address}`,
    `--listening-port=${options.port}`,
    '--use-auth-secret',
    `--static-auth-secret=${options.secret}`,
    `--realm=${options.realm}`,
    '--no-tls',
    '--no-dtls',
    '--no-cli',
    '--log-file=stdout',
    '--simple-log',
    `--pidfile=${join(dir, 'turnserver.pid')}`,
    `--userdb=${join(dir, 'turndb')}`,
    ...(options.allowLoopbackPeers === true ? ['--allow-loopback-peers'] : []),
  ];
  const command = [...(options.prefix ?? []), ...args];
  const child = spawn(command[0] ?? TURNSERVER, command.slice(1), {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('Total General servers')) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`coturn exited (${code}):\n${output}`)));
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      ready,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`coturn not ready in 10 s:\n${output}`)), 10_000);
      }),
    ]);
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return { child, output: () => output, stop };
}
