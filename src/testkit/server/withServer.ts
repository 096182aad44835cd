/**
 * Helpers shared by the hardening and admission tests: a server per test with every client it
 * hands out cleaned up, a pair of well-behaved bystanders, and raw HTTP requests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { startServer, type ServerProcess } from '../e2e/serverProcess.js';
import { WAIT_MS } from '../waitFor.js';
import { startTestServer, TestClient, type TestServer } from './TestClient.js';

/** Opens a client on the server of a {@link withServer} body (path defaults to /signal). */
export type Connect = (path?: string) => Promise<TestClient>;

/**
 * Runs `body` against a fresh server configured by `env`, then terminates every client that
 * `connect` opened and stops the server, whether the body passed or failed.
 */
export async function withServer(
  env: Record<string, string>,
  body: (t: TestServer, connect: Connect) => Promise<void>,
): Promise<void> {
  const t = await startTestServer(env);
  const clients: TestClient[] = [];
  const connect = async (path = '/signal'): Promise<TestClient> => {
    const client = await TestClient.connect(`${t.wsBase}${path}`);
    clients.push(client);
    return client;
  };
  try {
    await body(t, connect);
  } finally {
    // terminate, not close: a failed test must report its own error, not a cleanup timeout.
    for (const client of clients) client.socket.terminate();
    await t.stop();
  }
}

/** Sends raw request bytes and resolves with the status line of the answer. */
export function rawRequest(port: number, head: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = tcpConnect(port, '127.0.0.1', () => socket.write(head));
    let answer = '';
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString();
      if (answer.includes('\r\n')) socket.destroy();
    });
    socket.on('error', () => socket.destroy());
    socket.setTimeout(WAIT_MS, () => socket.destroy());
    socket.on('close', () => resolve(answer.split('\r\n', 1)[0] ?? ''));
  });
}

/** Two well-behaved clients in one room; check() proves they still talk. */
export async function bystanders(connect: Connect): Promise<{ check(): Promise<void> }> {
  const [a, b] = await Promise.all([connect(), connect()]);
  await Promise.all([a.subscribe('calm'), b.subscribe('calm')]);
  let n = 0;
  return {
    async check() {
      n += 1;
      a.send({ type: 'publish', topic: 'calm', data: n });
      await b.waitFor((m) => m.type === 'publish' && m.data === n, `bystander message ${n}`);
    },
  };
}

/**
 * One real server process for a whole describe block (started in `before`, stopped in `after`
 * with every client `connect` opened), for suites whose tests share a room server.
 */
export function serverSuite(
  name: string,
  env: Record<string, string> = { NODE_ENV: 'development' },
): { readonly server: ServerProcess; connect(): Promise<TestClient> } {
  let server: ServerProcess | undefined;
  let dir = '';
  const clients: TestClient[] = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), `meshchat-${name}-`));
    server = await startServer(dir, env);
  });
  after(async () => {
    for (const client of clients) client.socket.terminate();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const running = (): ServerProcess => {
    if (!server) throw new Error('the server starts in before()');
    return server;
  };
  return {
    get server() {
      return running();
    },
    async connect() {
      const client = await TestClient.connect(`ws://127.0.0.1:${running().port}/signal`);
      clients.push(client);
      return client;
    },
  };
}
