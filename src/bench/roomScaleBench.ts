import { cpus } from 'node:os';
import type { Page } from 'playwright-core';
import type { RoomPeer } from '../testkit/e2e/room';
import {
  byDeadline,
  pollUntil,
  sleep,
  bundleNodePeer,
  spawnNodePeers,
  startNodePeers,
  type NodePeer,
} from './nodePeerProcesses';
import { CpuBusyMeter, processCpuMicros } from './ProcessStats';
import {
  DEFAULT_LIMITS,
  DEFAULT_PEERS_PER_PROCESS,
  type RoomScaleFigure,
  type RoomScaleOptions,
} from './roomScaleOptions';
import { round } from './stats';
import type { BenchRig } from './webrtcBench';

export {
  DEFAULT_LIMITS,
  DEFAULT_PEERS_PER_PROCESS,
  type RoomScaleFigure,
  type RoomScaleLimits,
  type RoomScaleOptions,
} from './roomScaleOptions';

/** What each peer says about itself, whatever kind of peer it is. */
interface PeerState {
  readonly peers: number;
  readonly messages: number;
  readonly bytesReceived: number;
  /** Wall clock when it first held every message. */
  readonly completeAt: number | undefined;
}

const NO_STATE: PeerState = {
  peers: 0,
  messages: 0,
  bytesReceived: 0,
  completeAt: undefined,
};

/** Peers that answered within this long before the end still count as reporting. */
const FRESH_MS = 2000;

/** A browser peer's state, or undefined when its page does not answer by `until`. */
function browserState(page: Page, messages: number, until: number): Promise<PeerState | undefined> {
  const state: Promise<PeerState | undefined> = page
    .evaluate((n) => {
      const arrival = window.harness.lastArrival('rs ');
      return {
        peers: (window.harness.status() as { peers: number }).peers,
        messages: window.harness.messageCount(),
        bytesReceived: window.harness.bytesReceived(),
        completeAt: arrival.count >= n ? arrival.at : undefined,
      };
    }, messages)
    .catch(() => undefined);
  return byDeadline(state, until, undefined);
}

/** One line on how far the messages have spread. */
function progress(states: readonly PeerState[], messages: number): string {
  const counts = states.map((s) => s.messages).sort((a, b) => a - b);
  const complete = states.filter((s) => s.completeAt !== undefined).length;
  const connections = states.reduce((sum, s) => sum + s.peers, 0) / Math.max(1, states.length);
  return `${complete}/${states.length} complete; messages held min ${counts[0] ?? 0}, median ${counts[Math.floor(counts.length / 2)] ?? 0} of ${messages}; ${connections.toFixed(1)} connections/peer`;
}

/**
 * `nodePeers` Node peers (`peersPerProcess` to a process) and two browser contexts in one room; `messages`
 * messages from random peers; every peer must then hold all of them. Bounded: each phase ends
 * by its deadline, and whatever was not done by then is reported as such. Every process and
 * context it started is gone when it returns or throws.
 */
export async function roomScale(
  rig: BenchRig,
  nodePeers: number,
  messages: number,
  options: RoomScaleOptions = {},
): Promise<RoomScaleFigure> {
  const log = options.log ?? ((): void => undefined);
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const perProcess = Math.max(1, options.peersPerProcess ?? DEFAULT_PEERS_PER_PROCESS);
  let nodeProcesses: number;
  const bundle = await bundleNodePeer();
  const t0 = Date.now();
  const roomId = `bench-scale-${process.pid}-${nodePeers}-${t0}`;
  const signalingUrl = rig.url.replace(/^http/, 'ws').replace(/\/index\.html$/, '/signal');
  let nodes: NodePeer[] = [];
  let live: NodePeer[] = [];
  const browsers: RoomPeer[] = [];
  const phaseMs = { start: 0, connect: 0, deliver: 0, stop: 0 };
  let mark = t0;
  const lap = (): number => {
    const now = Date.now();
    const ms = now - mark;
    mark = now;
    return ms;
  };
  try {
    // Start: the processes, in parallel; they load everything but do not join yet.
    const { peers, started, processes } = await startNodePeers(
      nodePeers,
      perProcess,
      options.startConcurrency ?? Math.max(2, 2 * cpus().length),
      t0 + 10_000 + limits.startMsPerPeer * nodePeers,
      (names) => spawnNodePeers(bundle, signalingUrl, roomId, names),
    );
    nodes = peers;
    live = started;
    nodeProcesses = processes;
    phaseMs.start = lap();
    log(
      `${started.length}/${nodePeers} Node peers up in ${processes} processes in ${phaseMs.start} ms`,
    );

    // Connect: the browser contexts join, and the Node peers one every joinEveryMs, as people
    // arrive in a room (all at once trips the signaling server's publish rate limit). y-webrtc
    // dials at most 20-34 peers, so wait for a floor of connections, not a full mesh.
    const cpu = new CpuBusyMeter();
    const connectUntil = Date.now() + limits.joinEveryMs * live.length + limits.connectMs;
    const browsersJoined: Promise<RoomPeer[]> = Promise.all([
      rig.join(roomId, 'B1'),
      rig.join(roomId, 'B2'),
    ]);
    browsersJoined.catch(() => undefined); // awaited once the Node peers are in
    for (const node of live) {
      node.request({ type: 'join' });
      await sleep(limits.joinEveryMs);
    }
    const joined = await byDeadline(browsersJoined, connectUntil, []);
    if (joined.length === 0) throw new Error('room scale: the browser peers did not join in time');
    browsers.push(...joined);
    // Peers in the room; the ones that never started count as incomplete, not waited for.
    const total = live.length + browsers.length;
    // What each peer last said (a busy page may not answer one poll, a busy process may
    // push late): Node peers first, then the browsers.
    const nodeState = (node: NodePeer): PeerState => node.latest() ?? NO_STATE;
    const browserLatest = browsers.map(() => NO_STATE);
    const browserAnsweredAt = browsers.map(() => 0);
    const allStates = async (until: number): Promise<PeerState[]> => {
      const answers = await Promise.all(
        browsers.map((b) => browserState(b.page, messages, Math.min(until, Date.now() + 5000))),
      );
      answers.forEach((answer, i) => {
        if (!answer) return;
        browserLatest[i] = answer;
        browserAnsweredAt[i] = Date.now();
      });
      return [...live.map(nodeState), ...browserLatest];
    };
    // The mesh's low mark: a peer with four links is connected well enough to send to (it
    // keeps six or so, never more than eight).
    const wanted = Math.min(total - 1, 4);
    let atSend: PeerState[] = [];
    await pollUntil(async () => {
      atSend = await allStates(connectUntil);
      return atSend.every((s) => s.peers >= wanted);
    }, connectUntil);
    phaseMs.connect = lap();
    const underConnected = atSend.filter((s) => s.peers < wanted).length;
    const awarenessAtSend = live.map((n) => n.latest()?.awarenessUpdates ?? 0);
    const connectBusy = cpu.lap();
    const silenceMax = (phase: number): number =>
      Math.min(phase, Math.max(0, ...live.map((n) => n.takeSilenceMax())));
    const connectSilence = silenceMax(phaseMs.connect);
    log(
      `${total - underConnected}/${total} peers with >= ${wanted} connections after ${phaseMs.connect} ms`,
    );

    const pids = [...new Set(live.map((n) => n.pid))].filter((pid) => pid !== undefined);
    const nodeCpu = (): number | null => {
      try {
        return pids.reduce((sum, pid) => sum + processCpuMicros(pid), 0);
      } catch {
        return null; // A process is gone.
      }
    };
    // Optionally, what the connected room costs while nobody writes (timers, keep-alives).
    let idleMillicores: number | null = null;
    if (options.idleProbeMs) {
      const before = nodeCpu();
      await sleep(options.idleProbeMs);
      const after = nodeCpu();
      if (before !== null && after !== null && live.length > 0)
        idleMillicores = round(
          ((after - before) / 1000 / options.idleProbeMs / live.length) * 1000,
          1,
        );
    }

    // Deliver: random authors, each peer's share sent in one go.
    const deliverUntil = Date.now() + limits.deliverMs;
    const shares = Array.from({ length: total }, () => [] as string[]);
    for (let i = 0; i < messages; i += 1)
      shares[Math.floor(Math.random() * total)]?.push(`rs ${i}`);
    for (const node of live) node.request({ type: 'expect', count: messages });
    const cpuAtSend = nodeCpu();
    const browserSends = browsers.map((b, k) =>
      b.page.evaluate(
        (texts) => {
          for (const text of texts) window.harness.send(text);
          return window.harness.now();
        },
        shares[live.length + k] ?? [],
      ),
    );
    const sendCommandAt = Date.now();
    live.forEach((node, k) => node.request({ type: 'send', texts: shares[k] ?? [] }));
    const browserSentAt = await byDeadline(
      Promise.all(browserSends).catch(() => []),
      deliverUntil,
      [],
    );
    let atEnd: PeerState[] = [];
    let progressAt = Date.now();
    await pollUntil(async () => {
      atEnd = await allStates(deliverUntil);
      if (Date.now() - progressAt >= 10_000) {
        progressAt = Date.now();
        log(progress(atEnd, messages));
      }
      return atEnd.every((s) => s.completeAt !== undefined);
    }, deliverUntil);
    phaseMs.deliver = lap();
    const cpuAtEnd = nodeCpu();
    const deliverBusy = cpu.lap();
    const deliverSilence = silenceMax(phaseMs.deliver);
    const end = Date.now();
    const fresh = (at: number | undefined): boolean => at !== undefined && at >= end - FRESH_MS;

    const lastSend = Math.max(...browserSentAt, ...live.map((n) => n.latest()?.sentAt ?? 0));
    const notStarted = nodePeers - live.length;
    const incomplete = atEnd.filter((s) => s.completeAt === undefined).length + notStarted;
    const lastComplete = Math.max(...atEnd.map((s) => s.completeAt ?? 0));
    const mean = (values: number[]): number =>
      values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
    // Bytes and awareness updates count only peers that still report: a silent peer's last
    // report would pass for a quiet one.
    const reportedAt = [...live.map((n) => n.lastReportAt()), ...browserAnsweredAt];
    const received = atEnd
      .map((s, i) => s.bytesReceived - (atSend[i]?.bytesReceived ?? 0))
      .filter((_, i) => fresh(reportedAt[i]));
    const awareness = live
      .map((n, i) => (n.latest()?.awarenessUpdates ?? 0) - (awarenessAtSend[i] ?? 0))
      .filter((_, i) => fresh(reportedAt[i]));
    const perMessage = (values: number[], digits: number): number | null =>
      values.length === 0 ? null : round(mean(values) / messages, digits);
    const figure = {
      nodePeers,
      nodeProcesses,
      browserPeers: browsers.length,
      messages,
      allDeliveredMs: incomplete === 0 ? round(lastComplete - lastSend, 0) : null,
      allDeliveredFromCommandMs: incomplete === 0 ? round(lastComplete - sendCommandAt, 0) : null,
      sendLagMs: round(Math.max(0, lastSend - sendCommandAt), 0),
      incomplete,
      notStarted,
      wantedConnections: wanted,
      underConnected,
      connectionsPerPeer: round(mean(atEnd.map((s) => s.peers)), 1),
      bytesPerMessagePerPeer: perMessage(received, 0),
      awarenessUpdatesPerMessagePerPeer: perMessage(awareness, 1),
      phaseMs,
      cpuBusy: { connect: connectBusy, deliver: deliverBusy },
      silenceMaxMs: { connect: connectSilence, deliver: deliverSilence },
      silentAtEnd: live.filter((n) => !fresh(n.lastReportAt())).length,
      nodeCpuPerMessageUs:
        cpuAtSend === null || cpuAtEnd === null || live.length === 0
          ? null
          : round((cpuAtEnd - cpuAtSend) / messages / live.length, 0),
      nodeIdleMillicores: idleMillicores,
    };
    log(
      `${total - incomplete + notStarted}/${total} peers complete, ${figure.allDeliveredMs ?? '-'} ms after the last send; Node peers' CPU ${figure.nodeCpuPerMessageUs ?? '-'} us per message per peer, idle ${figure.nodeIdleMillicores ?? '-'} millicores per peer`,
    );
    return figure;
  } finally {
    // Ask every peer to leave the room, then make sure every process is gone. (This runs
    // before the caller gets the figure, so its phaseMs.stop is filled in.)
    lap();
    // (Peers of one process share its TrackedChild, whose stop() runs once.) A process saving
    // a CPU profile (MESHCHAT_PEER_PROFILE) may need longer on a busy machine.
    const stopMs = process.env.MESHCHAT_PEER_PROFILE ? 30_000 : 3000;
    await Promise.all(
      nodes.map((node) => node.process.stop(stopMs, () => node.request({ type: 'stop' }))),
    );
    for (const browser of browsers) await browser.context.close().catch(() => undefined);
    bundle.remove();
    phaseMs.stop = lap();
    log(`stopped in ${phaseMs.stop} ms`);
  }
}
