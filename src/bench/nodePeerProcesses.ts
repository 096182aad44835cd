// The room scale scenario's Node peers, hosted some to a process (src/bench/nodePeer.ts), and
// the deadline helpers its bounded phases wait with.
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { track, type TrackedChild } from './children';
import type { HostCommand } from './nodePeer';
import type { PeerCommand, PeerReport } from './nodePeerInstance';

/** A Node peer: what it last reported, and how to ask it things. */
export interface NodePeer {
  /** The process that hosts it (and maybe other peers). */
  readonly process: TrackedChild;
  /** The operating system's id of the process. */
  readonly pid: number | undefined;
  readonly ready: Promise<boolean>;
  /** The latest report the peer pushed. */
  latest(): PeerReport | undefined;
  /** The longest it went without reporting since the previous call, up to now (ms). */
  takeSilenceMax(): number;
  /** When its latest report came (Date.now() clock). */
  lastReportAt(): number | undefined;
  request(command: PeerCommand): void;
}

/** The Node peer host and the peer it imports once per peer, as JavaScript files. */
export interface PeerBundle {
  readonly file: string;
  readonly instanceFile: string;
  remove(): void;
}

/**
 * Bundles src/bench/nodePeer.ts (the host) and nodePeerInstance.ts with everything it imports,
 * each into one file: a hundred processes that each compiled the TypeScript sources on start
 * spent most of a run's start phase doing that.
 */
export async function bundleNodePeer(): Promise<PeerBundle> {
  // Inside the project, so that the bundle's imports of native packages find node_modules.
  const cache = join(import.meta.dirname, '../../node_modules/.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'meshchat-peer-'));
  try {
    await build({
      entryPoints: [
        join(import.meta.dirname, 'nodePeer.ts'),
        join(import.meta.dirname, 'nodePeerInstance.ts'),
      ],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outdir: dir,
      outExtension: { '.js': '.mjs' },
      // Native code and its loader stay in node_modules.
      external: ['@roamhq/wrtc', 'ws'],
      logLevel: 'error',
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    file: join(dir, 'nodePeer.mjs'),
    instanceFile: join(dir, 'nodePeerInstance.mjs'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Starts one process hosting a peer for each of `names`; the peers in the order of the names. */
export function spawnNodePeers(
  bundle: PeerBundle,
  signalingUrl: string,
  roomId: string,
  names: readonly string[],
): NodePeer[] {
  const child = fork(bundle.file, [signalingUrl, roomId, bundle.instanceFile, names.join(',')], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const tracked = track(child);
  // A peer process that died must not take the benchmark down with it.
  child.on('error', () => undefined);
  const send = (command: HostCommand): void => {
    if (child.connected) child.send(command);
  };
  const ready = new Promise<boolean>((resolve) => {
    child.on('message', (message: { type: string }) => {
      if (message.type === 'ready') resolve(true);
    });
    void tracked.exited.then(() => resolve(false));
  });
  return names.map((_, index) => {
    let latest: PeerReport | undefined;
    let lastReportAt: number | undefined;
    let silenceMax = 0;
    child.on('message', (message: { type: string; peer?: number }) => {
      if (message.type !== 'report' || message.peer !== index) return;
      latest = message as PeerReport;
      const now = Date.now();
      silenceMax = Math.max(silenceMax, now - (lastReportAt ?? now));
      lastReportAt = now;
    });
    return {
      process: tracked,
      pid: child.pid,
      ready,
      latest: () => latest,
      takeSilenceMax() {
        const now = Date.now();
        const max = Math.max(silenceMax, now - (lastReportAt ?? now));
        silenceMax = 0;
        return max;
      },
      lastReportAt: () => lastReportAt,
      request(command) {
        // Stopping one peer stops its process, and every peer in it.
        send(command.type === 'stop' ? { type: 'stop' } : { type: 'peer', peer: index, command });
      },
    };
  });
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** `promise`'s value, or `fallback` once `until` (wall clock) has passed. */
export function byDeadline<T>(promise: Promise<T>, until: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), Math.max(0, until - Date.now()));
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Polls `done` every `everyMs` until it holds or `until` passes; says whether it held. */
export async function pollUntil(
  done: () => Promise<boolean>,
  until: number,
  everyMs = 250,
): Promise<boolean> {
  for (;;) {
    if (await done()) return true;
    if (Date.now() >= until) return false;
    await sleep(Math.min(everyMs, Math.max(0, until - Date.now())));
  }
}

/**
 * Starts `count` peers, `perProcess` to a process (the last one may host fewer), at most
 * `concurrency` processes coming up at once, each by `until`.
 */
export async function startNodePeers(
  count: number,
  perProcess: number,
  concurrency: number,
  until: number,
  spawn: (names: string[]) => NodePeer[],
): Promise<{ peers: NodePeer[]; started: NodePeer[]; processes: number }> {
  const peers: NodePeer[] = [];
  const started: NodePeer[] = [];
  let next = 0;
  let processes = 0;
  const worker = async (): Promise<void> => {
    while (next < count && Date.now() < until) {
      const size = Math.min(perProcess, count - next);
      const names = Array.from({ length: size }, (_, k) => `n${next + k}`);
      next += size;
      processes += 1;
      const hosted = spawn(names);
      peers.push(...hosted);
      if (await byDeadline(hosted[0]?.ready ?? Promise.resolve(false), until, false))
        started.push(...hosted);
    }
  };
  const hosts = Math.ceil(count / Math.max(1, perProcess));
  await Promise.all(Array.from({ length: Math.min(concurrency, hosts) }, worker));
  return { peers, started, processes };
}
