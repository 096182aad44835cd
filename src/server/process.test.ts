// The real entry point as a child process: startup lines, graceful shutdown on SIGTERM and
// SIGINT (clients get 1001, exit code 0), and a clear refusal to start when misconfigured.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TestClient } from '../testkit/server/TestClient.js';
import { withTimeout } from '../testkit/waitFor.js';

const MAIN = join(dirname(fileURLToPath(import.meta.url)), 'main.ts');

type Exit = Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

/** The server as a child process, with what it printed so far. */
interface Launched {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exit: Exit;
}

function launch(env: Record<string, string>): Launched {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exit: Exit = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => out, stderr: () => err, exit };
}

/** Launches the server and waits for its human startup line, which names the port. */
async function start(env: Record<string, string> = {}): Promise<Launched & { port: number }> {
  const launched = launch(env);
  const human = /MeshChat running at http:\/\/localhost:(\d+)\//;
  const port = await withTimeout(
    new Promise<number>((resolve, reject) => {
      const check = (): void => {
        const match = human.exec(launched.stdout());
        if (match !== null) resolve(Number(match[1]));
      };
      launched.child.stdout?.on('data', check);
      void launched.exit.then(() => reject(new Error(`server exited: ${launched.stderr()}`)));
    }),
    'the server to start',
    20_000,
  );
  return { ...launched, port };
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  describe(`the server process on ${signal}`, () => {
    it('closes every client with 1001 and exits 0', async () => {
      const server = await start();
      try {
        const clients = await Promise.all([
          TestClient.connect(`ws://127.0.0.1:${server.port}/signal`),
          TestClient.connect(`ws://127.0.0.1:${server.port}/`),
        ]);
        await Promise.all(clients.map((client) => client.subscribe('room')));
        server.child.kill(signal);
        for (const client of clients) {
          assert.deepEqual(await client.waitClosed(), {
            code: 1001,
            reason: 'server shutting down',
          });
        }
        assert.deepEqual(await withTimeout(server.exit, 'the process to exit', 10_000), {
          code: 0,
          signal: null,
        });
        // stdout: JSON lines, plus the one human line for people starting it by hand.
        const lines = server.stdout().trimEnd().split('\n');
        const json = lines.filter((line) => !line.startsWith('MeshChat running at '));
        assert.equal(lines.length - json.length, 1);
        const parsed = json.map(
          (line) => JSON.parse(line) as { msg: string; level: string; time: string },
        );
        assert.ok(
          parsed.every((entry) => entry.level !== '' && !Number.isNaN(Date.parse(entry.time))),
        );
        const messages = parsed.map((entry) => entry.msg);
        for (const msg of ['listening', 'signal received', 'shutting down', 'stopped']) {
          assert.ok(messages.includes(msg), `missing log line "${msg}" in ${messages.join(', ')}`);
        }
      } finally {
        server.child.kill('SIGKILL');
      }
    });
  });
}

describe('the server process when misconfigured', () => {
  it('refuses to start with one clear message and exit code 1', async () => {
    const launched = launch({ SIGNALING_URLS: 'http://not-a-websocket.example' });
    try {
      assert.deepEqual(await withTimeout(launched.exit, 'the process to exit', 20_000), {
        code: 1,
        signal: null,
      });
      assert.equal(
        launched.stderr(),
        'configuration error: SIGNALING_URLS: "http://not-a-websocket.example" must start with ws:// or wss://\n',
      );
    } finally {
      launched.child.kill('SIGKILL');
    }
  });
});
