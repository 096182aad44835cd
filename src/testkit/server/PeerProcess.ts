/**
 * Runs stockPeer.ts as a child process and collects its JSON-line events, so a test can wait
 * for "the other peer's text arrived" or "this announce was relayed" with a deadline.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withTimeout } from '../waitFor.js';

const STOCK_PEER = join(dirname(fileURLToPath(import.meta.url)), 'stockPeer.ts');

/** One event line from a stock peer. */
export type PeerEvent = Record<string, unknown> & { readonly event: string };

/** A stock y-webrtc provider in a child process. */
export class PeerProcess {
  readonly events: PeerEvent[] = [];
  readonly #child: ChildProcess;
  readonly #exited: Promise<number | null>;
  #stderr = '';
  #listeners: (() => void)[] = [];

  /** Starts a peer; `mode` is 'signaling' (no WebRTC) or 'webrtc' (@roamhq/wrtc). */
  constructor(
    url: string,
    room: string,
    name: string,
    mode: 'signaling' | 'webrtc',
    password?: string,
  ) {
    const args = ['--import', 'tsx', STOCK_PEER, url, room, name, mode];
    if (password !== undefined) args.push(password);
    this.#child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.#exited = new Promise((resolve) => this.#child.once('exit', (code) => resolve(code)));
    let pending = '';
    this.#child.stdout?.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) this.events.push(JSON.parse(line) as PeerEvent);
      for (const listener of this.#listeners) listener();
    });
    this.#child.stderr?.on('data', (chunk: Buffer) => (this.#stderr += chunk.toString()));
  }

  /** Waits for the first event satisfying `test` (already received ones count). */
  async waitFor(
    test: (event: PeerEvent) => boolean,
    what: string,
    ms = 20_000,
  ): Promise<PeerEvent> {
    const found = (): PeerEvent | undefined => this.events.find(test);
    const event = await withTimeout(
      Promise.race([
        new Promise<PeerEvent>((resolve) => {
          const check = (): void => {
            const hit = found();
            if (hit !== undefined) resolve(hit);
          };
          this.#listeners.push(check);
          check();
        }),
        this.#exited.then((code) => {
          throw new Error(`peer exited (${code ?? 'signal'}) before ${what}: ${this.#stderr}`);
        }),
      ]),
      what,
      ms,
    );
    return event;
  }

  /** The peer's id in its room, once it reported ready. */
  async peerId(): Promise<string> {
    const ready = await this.waitFor((e) => e.event === 'ready', 'ready');
    return String(ready.peerId);
  }

  /** Asks the peer to quit (closing stdin), killing it if it does not within 5 s. Idempotent. */
  async stop(): Promise<void> {
    this.#child.stdin?.end();
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5000);
    await this.#exited;
    clearTimeout(timer);
  }
}
