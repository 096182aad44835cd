// The room scale scenario's Node peers as processes (src/bench/nodePeer.ts, one each), and the
// deadline helpers its bounded phases wait with.
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { track, type TrackedChild } from './children';
import type { PeerCommand, PeerReport } from './nodePeer';

/** A Node peer process: what it last reported, and how to ask it things. */
export interface NodePeer {
  readonly process: TrackedChild;
  readonly ready: Promise<boolean>;
  /** The latest report the peer pushed. */
  latest(): PeerReport | undefined;
  /** The longest it went without reporting since the previous call, up to now (ms). */
  takeSilenceMax(): number;
  /** When its latest report came (Date.now() clock). */
  lastReportAt(): number | undefined;
  request(command: PeerCommand): void;
}

/** The Node peer as one JavaScript file, and a function that removes it. */
export interface PeerBundle {
  readonly file: string;
  remove(): void;
}

/**
 * Bundles src/bench/nodePeer.ts and what it imports into one file: a hundred processes that
 * each compiled the TypeScript sources on start spent most of a run's start phase doing that.
 */
export async function bundleNodePeer(): Promise<PeerBundle> {
  // Inside the project, so that the bundle's imports of native packages find node_modules.
  const cache = join(import.meta.dirname, '../../node_modules/.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'meshchat-peer-'));
  const file = join(dir, 'nodePeer.mjs');
  try {
    await build({
      entryPoints: [join(import.meta.dirname, 'nodePeer.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: file,
      // Native code and its loader stay in node_modules.
      external: ['@roamhq/wrtc', 'ws'],
      logLevel: 'error',
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function spawnNodePeer(
  bundle: PeerBundle,
  signalingUrl: string,
  roomId: string,
  name: string,
): NodePeer {
  const child = fork(bundle.file, [signalingUrl, roomId, name], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const tracked = track(child);
  // A peer process that died must not take the benchmark down with it.
  child.on('error', () => undefined);
  let latest: PeerReport | undefined;
  let lastReportAt: number | undefined;
  let silenceMax = 0;
  const ready = new Promise<boolean>((resolve) => {
    child.on('message', (message: { type: string }) => {
      if (message.type === 'ready') resolve(true);
      else if (message.type === 'report') {
        latest = message as PeerReport;
        const now = Date.now();
        silenceMax = Math.max(silenceMax, now - (lastReportAt ?? now));
        lastReportAt = now;
      }
    });
    void tracked.exited.then(() => resolve(false));
  });
  return {
    process: tracked,
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
      if (child.connected) child.send(command);
    },
  };
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

/** Starts `count` peers, at most `concurrency` coming up at once, each by `until`. */
export async function startNodePeers(
  count: number,
  concurrency: number,
  until: number,
  spawn: (index: number) => NodePeer,
): Promise<{ peers: NodePeer[]; started: NodePeer[] }> {
  const peers: NodePeer[] = [];
  const started: NodePeer[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count && Date.now() < until) {
      const peer = spawn(next);
      next += 1;
      peers.push(peer);
      if (await byDeadline(peer.ready, until, false)) started.push(peer);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { peers, started };
}
