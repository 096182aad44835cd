/**
 * Starts the signaling server a benchmark runs against, as a child process on a free loopback
 * port: ours (built JS, compiled first when a source file is newer) or y-webrtc's
 * stock bin/server.js. stop() always ends the child, so no run leaves a server behind.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { buildSync } from 'esbuild';

import { track } from './children';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** A server to benchmark: spawned here, or already running at a URL. */
export interface BenchServer {
  readonly url: string;
  /** Process to measure, when known. */
  readonly pid: number | null;
  /** What was started, for the report. */
  readonly command: string;
  /** Ends the child process if we started one. Idempotent. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

/** Resolves once something accepts TCP connections on the port, or rejects after `timeoutMs`. */
async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early (code ${child.exitCode})`);
    const open = await new Promise<boolean>((done) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), done(true)));
      socket.once('error', () => done(false));
    });
    if (open) return;
    if (Date.now() > deadline)
      throw new Error(`server did not listen on ${port} in ${timeoutMs} ms`);
    await new Promise((wake) => setTimeout(wake, 50));
  }
}

/** Whether dist-server's main.js is at least as new as every server source file. */
function builtIsCurrent(mainJs: string): boolean {
  if (!existsSync(mainJs)) return false;
  const builtAt = statSync(mainJs).mtimeMs;
  const sourceDir = join(REPO, 'src/server');
  return readdirSync(sourceDir)
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
    .every((name) => statSync(join(sourceDir, name)).mtimeMs <= builtAt);
}

/** Compiles the server to dist-server/ (npm run build:server). */
function buildServer(): void {
  const tsc = join(REPO, 'node_modules/typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(REPO, 'src/server/tsconfig.build.json')], {
    cwd: REPO,
    stdio: 'inherit',
  });
}

/** Compiles src/bench/bareRelay.ts to plain JS, so the relay runs without a loader. */
function buildBareRelay(): string {
  const outfile = join(REPO, '.cache/bench/bareRelay.mjs');
  mkdirSync(dirname(outfile), { recursive: true });
  buildSync({
    entryPoints: [join(REPO, 'src/bench/bareRelay.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

/**
 * Starts `ours`, `stock`, `bare` (src/bench/bareRelay.ts: the least a Node relay can do), or
 * wraps a URL of a running server.
 * @param env extra environment for a spawned server (limits sized for the run)
 */
export async function startBenchServer(
  which: string,
  env: Readonly<Record<string, string>> = {},
  pid: number | null = null,
): Promise<BenchServer> {
  if (which !== 'ours' && which !== 'stock' && which !== 'bare') {
    if (!/^wss?:\/\//.test(which)) {
      throw new Error(`--server must be ours, stock, bare or a ws(s) URL`);
    }
    return { url: which, pid, command: which, stop: () => Promise.resolve() };
  }
  const port = await freePort();
  let args: string[];
  if (which === 'stock') {
    args = [join(REPO, 'node_modules/y-webrtc/bin/server.js')];
  } else if (which === 'bare') {
    args = [buildBareRelay()];
  } else {
    const built = join(REPO, 'dist-server/server/main.js');
    // What `npm start` runs: through tsx the server carried the loader's own thread and
    // memory (about 30 MB more RSS at rest) and ran code the deployment never runs.
    if (!builtIsCurrent(built)) buildServer();
    args = [built];
  }
  const child = spawn(process.execPath, args, {
    cwd: REPO,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const tracked = track(child);
  const stop = (): Promise<void> => tracked.stop();
  try {
    await waitForPort(port, child, 15_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url: `ws://127.0.0.1:${port}/`,
    pid: child.pid ?? null,
    command: `node ${args.map((arg) => arg.replace(`${REPO}/`, '')).join(' ')}`,
    stop,
  };
}
