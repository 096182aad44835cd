/**
 * The NAT end-to-end rig: the topology of src/testing/nat-topology.sh (two hosts behind
 * symmetric NATs, a public segment), coturn and the real server in the public namespace, and a
 * Chromium inside each host namespace, driven from this process over --remote-debugging-pipe
 * (Playwright starts it through `ip netns exec`, and the pipe is inherited across it).
 * Everything it starts is stopped, and every namespace deleted, by {@link NatRig.stop}.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { chromeArgs, chromePath } from '../../testing/chrome.mjs';
import { coturnMissing, startCoturn, type Coturn } from '../server/coturnProcess.js';
import { withTimeout } from '../waitFor.js';

const root = join(import.meta.dirname, '..', '..', '..');
const TOPOLOGY = join(root, 'src', 'testing', 'nat-topology.sh');

/** The public segment's server address (the bridge in the public namespace). */
export const PUBLIC_ADDRESS = '10.251.0.10';
export const TURN_PORT = 3478;
export const TURN_REALM = 'meshchat.test';

/** Why the NAT test cannot run here, or null when it can. */
export function natRigMissing(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces, iptables)';
  for (const tool of ['ip', 'iptables']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
      return `${tool} not found (apt-get install iproute2 iptables)`;
    }
  }
  return coturnMissing();
}

/** A server process inside the public namespace. */
export interface NatServer {
  readonly url: string;
  stop(): Promise<void>;
}

/** The namespaces and what runs in them. */
export class NatRig {
  readonly id = `${process.pid % 100_000}`;
  readonly namespaces = {
    pub: `mcpub${this.id}`,
    hostA: `mcha${this.id}`,
    hostB: `mchb${this.id}`,
  };
  readonly #dir = mkdtempSync(join(tmpdir(), 'meshchat-nat-'));
  readonly #stops: (() => Promise<unknown>)[] = [];

  /** Creates the namespaces (deleting leftovers of an earlier run with the same id first). */
  static create(): NatRig {
    const rig = new NatRig();
    rig.#topology('down');
    rig.#stops.push(() => Promise.resolve(rig.#topology('down')));
    rig.#topology('up');
    return rig;
  }

  /** coturn on the public address, REST-secret authentication. */
  async coturn(secret: string): Promise<Coturn> {
    const coturn = await startCoturn({
      address: PUBLIC_ADDRESS,
      port: TURN_PORT,
      secret,
      realm: TURN_REALM,
      prefix: ['ip', 'netns', 'exec', this.namespaces.pub],
    });
    this.#stops.push(() => coturn.stop());
    return coturn;
  }

  /** The real server (from source) on the public address and `port`, serving `staticDir`. */
  async server(port: number, staticDir: string, env: Record<string, string>): Promise<NatServer> {
    const child = spawn(
      'ip',
      [
        'netns',
        'exec',
        this.namespaces.pub,
        process.execPath,
        '--import',
        'tsx',
        join(root, 'src/server/main.ts'),
      ],
      {
        cwd: root,
        env: {
          ...process.env,
          PORT: String(port),
          HOST: PUBLIC_ADDRESS,
          STATIC_DIR: staticDir,
          LOG_LEVEL: 'warn',
          NODE_ENV: 'development',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const stop = stopper(child);
    this.#stops.push(stop);
    let output = '';
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        const onData = (chunk: Buffer): void => {
          output += chunk.toString();
          if (output.includes('running at')) resolve();
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.once('exit', (code) => reject(new Error(`server exited (${code}):\n${output}`)));
      }),
      'the server in the public namespace to listen',
      30_000,
    );
    return { url: `http://${PUBLIC_ADDRESS}:${port}`, stop };
  }

  /**
   * A headless Chromium inside `namespace`, treating the servers' plain-HTTP origins as secure
   * (IndexedDB, WebCrypto and service workers need a secure context).
   */
  async browser(namespace: string, origins: readonly string[]): Promise<Browser> {
    const wrapper = join(this.#dir, `chromium-${namespace}.sh`);
    writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${namespace} ${chromePath()} "$@"\n`);
    chmodSync(wrapper, 0o755);
    const browser = await chromium.launch({
      executablePath: wrapper,
      headless: true,
      args: [...chromeArgs, `--unsafely-treat-insecure-origin-as-secure=${origins.join(',')}`],
    });
    this.#stops.push(() => browser.close());
    return browser;
  }

  /** Stops everything in reverse order and deletes the namespaces. Idempotent. */
  async stop(): Promise<void> {
    for (const stop of this.#stops.splice(0).reverse()) {
      await stop().catch((error: unknown) => console.error(`[nat rig] ${String(error)}`));
    }
    rmSync(this.#dir, { recursive: true, force: true });
  }

  #topology(action: 'up' | 'down'): void {
    if (!existsSync(TOPOLOGY)) throw new Error(`${TOPOLOGY} missing`);
    const result = spawnSync('sh', [TOPOLOGY, action, this.id], { encoding: 'utf8' });
    if (result.status !== 0) {
      throw new Error(`nat-topology.sh ${action} failed: ${result.stderr}`);
    }
  }
}

/** SIGTERM, then SIGKILL after 5 s; resolves on exit. */
function stopper(child: ChildProcess): () => Promise<void> {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
}
