import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { RoomPeer } from '../e2e/support/room';
import { peersReach } from '../e2e/support/room';
import type { PeerCommand, PeerReport } from './nodePeer';
import { round } from './stats';
import type { BenchRig } from './webrtcBench';

export interface RoomScaleFigure {
  readonly nodePeers: number;
  readonly browserPeers: number;
  readonly messages: number;
  /** From the last send until the last peer had every message. */
  readonly allDeliveredMs: number;
  /** Peers that did not get every message within the bound. */
  readonly incomplete: number;
  readonly connectionsPerPeer: number;
  readonly bytesPerMessagePerPeer: number;
}

interface NodePeer {
  readonly child: ChildProcess;
  request(command: PeerCommand): void;
  report(): Promise<PeerReport>;
}

function startNodePeer(signalingUrl: string, roomId: string, name: string): Promise<NodePeer> {
  const child = fork(join(import.meta.dirname, 'nodePeer.ts'), [signalingUrl, roomId, name], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const waiting: ((report: PeerReport) => void)[] = [];
  /** What a peer that died reports: nothing received, never complete. */
  const dead: PeerReport = {
    type: 'report',
    messages: 0,
    peers: 0,
    bytesReceived: 0,
    completeAt: undefined,
    sentAt: undefined,
  };
  // A peer process that died must not take the benchmark down with it.
  child.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node peer ${name} did not start`)), 60_000);
    child.on('message', (message: { type: string }) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve({
          child,
          request: (command) => {
            if (child.connected) child.send(command);
          },
          report: () =>
            new Promise<PeerReport>((done) => {
              if (!child.connected) {
                done(dead);
                return;
              }
              // A peer too loaded to answer within 5 s counts as incomplete this round.
              const timer = setTimeout(() => {
                const index = waiting.indexOf(answer);
                if (index >= 0) waiting.splice(index, 1);
                done(dead);
              }, 5000);
              const answer = (report: PeerReport): void => {
                clearTimeout(timer);
                done(report);
              };
              waiting.push(answer);
              child.send({ type: 'report' } satisfies PeerCommand);
            }),
        });
      } else if (message.type === 'report') waiting.shift()?.(message as PeerReport);
    });
    child.once('exit', (code, signal) => {
      reject(new Error(`node peer ${name} exited with ${code ?? signal}`));
      for (const done of waiting.splice(0)) done(dead);
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `nodePeers` Node peers (one process each) and two browser contexts in one room; `messages`
 * messages from random peers; every peer must then hold all of them.
 */
export async function roomScale(
  rig: BenchRig,
  nodePeers: number,
  messages: number,
): Promise<RoomScaleFigure> {
  const roomId = `bench-scale-${process.pid}-${nodePeers}`;
  const signalingUrl = rig.url.replace(/^http/, 'ws').replace(/\/index\.html$/, '/signal');
  const nodes: NodePeer[] = [];
  const browsers: RoomPeer[] = [];
  try {
    for (let i = 0; i < nodePeers; i += 1)
      nodes.push(await startNodePeer(signalingUrl, roomId, `n${i}`));
    browsers.push(await rig.join(roomId, 'B1'), await rig.join(roomId, 'B2'));
    const total = nodePeers + browsers.length;
    // y-webrtc dials at most 20-34 peers; updates are flooded to neighbours beyond that.
    const wanted = Math.min(total - 1, 10);
    const deadline = Date.now() + 90_000;
    for (;;) {
      const reports = await Promise.all(nodes.map((n) => n.report()));
      if (reports.every((r) => r.peers >= wanted) || Date.now() > deadline) break;
      await sleep(250);
    }
    await Promise.all(
      browsers.map((b) => peersReach(b.page, wanted, 60_000).catch(() => undefined)),
    );

    // Random authors, each peer's share sent in one go.
    const shares = Array.from({ length: total }, () => [] as string[]);
    for (let i = 0; i < messages; i += 1)
      shares[Math.floor(Math.random() * total)]?.push(`rs ${i}`);
    for (const node of nodes) node.request({ type: 'expect', count: messages });
    const browserSends = browsers.map((b, k) =>
      b.page.evaluate(
        (texts) => {
          for (const text of texts) window.harness.send(text);
          return window.harness.now();
        },
        shares[nodePeers + k] ?? [],
      ),
    );
    nodes.forEach((node, k) => node.request({ type: 'send', texts: shares[k] ?? [] }));
    const browserSentAt = await Promise.all(browserSends);

    const bound = Date.now() + 60_000;
    let nodeReports: PeerReport[] = [];
    for (;;) {
      nodeReports = await Promise.all(nodes.map((n) => n.report()));
      if (nodeReports.every((r) => r.completeAt !== undefined) || Date.now() > bound) break;
      await sleep(200);
    }
    const browserDone = await Promise.all(
      browsers.map(async (b) => {
        await b.page
          .waitForFunction((n) => window.harness.messageCount() >= n, messages, { timeout: 30_000 })
          .catch(() => undefined);
        return b.page.evaluate(() => ({
          ...window.harness.lastArrival('rs '),
          peers: (window.harness.status() as { peers: number }).peers,
          bytes: window.harness.bytesReceived(),
        }));
      }),
    );
    const lastSend = Math.max(...browserSentAt, ...nodeReports.map((r) => r.sentAt ?? 0));
    const completions = [
      ...nodeReports.map((r) => r.completeAt),
      ...browserDone.map((b) => (b.count >= messages ? b.at : undefined)),
    ];
    const incomplete = completions.filter((at) => at === undefined).length;
    const peers = [...nodeReports.map((r) => r.peers), ...browserDone.map((b) => b.peers)];
    const bytes = [...nodeReports.map((r) => r.bytesReceived), ...browserDone.map((b) => b.bytes)];
    return {
      nodePeers,
      browserPeers: browsers.length,
      messages,
      allDeliveredMs: round(Math.max(...completions.map((at) => at ?? Number.NaN)) - lastSend, 0),
      incomplete,
      connectionsPerPeer: round(peers.reduce((a, b) => a + b, 0) / peers.length, 1),
      bytesPerMessagePerPeer: round(bytes.reduce((a, b) => a + b, 0) / bytes.length / messages, 0),
    };
  } finally {
    for (const node of nodes) {
      node.request({ type: 'stop' });
      node.child.kill('SIGTERM');
    }
    for (const browser of browsers) await browser.context.close().catch(() => undefined);
  }
}
