/**
 * Debian's redis-server for a test: on 127.0.0.1 and a free port, nothing written to disk
 * (`--save '' --appendonly no`), killed and started again on the same port to play an outage.
 * Every start is matched by a stop on every exit path of the caller.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withTimeout } from '../waitFor.js';

/** Where Debian installs the server. */
export const REDIS_SERVER = '/usr/bin/redis-server';

/** Why Redis tests cannot run here, or null when they can. */
export function redisMissing(): string | null {
  return existsSync(REDIS_SERVER)
    ? null
    : `${REDIS_SERVER} not found (apt-get install redis-server)`;
}

/** A free TCP port on 127.0.0.1. */
export async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** A redis-server that can be killed and started again on its port. */
export class RedisProcess {
  readonly url: string;
  readonly #dir = mkdtempSync(join(tmpdir(), 'meshchat-redis-'));
  #child: ChildProcess | null = null;
  #exited: Promise<void> = Promise.resolve();

  private constructor(readonly port: number) {
    this.url = `redis://127.0.0.1:${port}`;
  }

  /** The running server's process id (for benchmarks that measure it), or null. */
  get pid(): number | null {
    return this.#child?.pid ?? null;
  }

  /** Starts one on a free port. */
  static async start(): Promise<RedisProcess> {
    const redis = new RedisProcess(await freeTcpPort());
    try {
      await redis.restart();
    } catch (error) {
      await redis.stop();
      throw error;
    }
    return redis;
  }

  /** Starts the server again (after {@link kill}); resolves once it accepts connections. */
  async restart(): Promise<void> {
    const child = spawn(
      REDIS_SERVER,
      [
        '--bind',
        '127.0.0.1',
        '--port',
        String(this.port),
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        this.#dir,
        '--protected-mode',
        'yes',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
    let output = '';
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        const onData = (chunk: Buffer): void => {
          output += chunk.toString();
          if (output.includes('Ready to accept connections')) resolve();
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.once('exit', (code) =>
          reject(new Error(`redis-server exited (${code}):\n${output}`)),
        );
      }),
      'redis-server to accept connections',
    );
  }

  /** Kills the server at once (SIGKILL: an outage, not a shutdown) and waits for the exit. */
  async kill(): Promise<void> {
    const child = this.#child;
    this.#child = null;
    if (child !== null && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
    }
    await this.#exited;
  }

  /** Kills it and removes its directory. Idempotent. */
  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
