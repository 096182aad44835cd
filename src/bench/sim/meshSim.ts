import type * as Y from 'yjs';
import { MeshOrigin } from '../../mesh/meshOrigin';
import type { MeshNodeOptions } from '../../mesh/MeshNode';
import { DEFAULT_PHYSICS, SimNetwork, type SimPeer, type SimPhysics } from './SimNetwork';
import { VirtualTime } from './VirtualTime';
import { SimMetrics, type SimFigures } from './SimMetrics';

export interface SimScenario {
  readonly peers: number;
  readonly seed: number;
  /** Messages in the burst, sent from random peers, evenly over `burstSpreadMs`. */
  readonly messages: number;
  readonly burstSpreadMs: number;
  /** Share of the peers that leave (and are replaced by newcomers) per minute. */
  readonly churnPerMinute: number;
  /** Messages sent during a partition into two halves (0: no partition phase). */
  readonly partitionMessages: number;
  readonly physics?: Partial<SimPhysics>;
  readonly node?: MeshNodeOptions;
}

export const SMALL_SCENARIO: SimScenario = {
  peers: 30,
  seed: 1,
  messages: 30,
  burstSpreadMs: 1000,
  churnPerMinute: 0.1,
  partitionMessages: 10,
};

/** Each phase's length in virtual time. */
const JOIN_MS_PER_PEER = 10;
const WARMUP_MS = 30_000;
const MEASURE_MS = 30_000;
const PARTITION_MS = 40_000;
const AFTER_HEAL_MS = 60_000;

/**
 * Runs a room of `scenario.peers` mesh peers in virtual time: they join over a few seconds,
 * settle, take a burst of messages under churn, then are cut into two halves that each talk,
 * and heal. Returns the figures SimMetrics collects (see SimFigures).
 */
export function runMeshSim(scenario: SimScenario): SimFigures {
  const started = performance.now();
  const time = new VirtualTime(scenario.seed);
  const net = new SimNetwork(time, { ...DEFAULT_PHYSICS, ...scenario.physics }, scenario.node);
  const metrics = new SimMetrics(net);
  net.onPeer = (peer) => observe(peer, time, metrics);
  net.onTicked = (peer) => metrics.ticked(peer);

  for (let i = 0; i < scenario.peers; i += 1) time.at(i * JOIN_MS_PER_PEER, () => net.addPeer());
  const burstAt = scenario.peers * JOIN_MS_PER_PEER + WARMUP_MS;
  time.runUntil(burstAt);
  startChurn(net, scenario.churnPerMinute);
  metrics.startWindow();

  const burst = sendSpread(net, metrics, 'b', scenario.messages, burstAt, scenario.burstSpreadMs);
  time.runUntil(burstAt + scenario.burstSpreadMs + MEASURE_MS);
  metrics.closeWindow(burst);

  if (scenario.partitionMessages > 0) {
    const cutAt = time.now;
    net.partition();
    // Long enough for liveness to drop the links across and each half to mend itself.
    const sendAt = cutAt + PARTITION_MS / 2;
    const sent = sendSpread(net, metrics, 'q', scenario.partitionMessages, sendAt, 1000);
    time.runUntil(cutAt + PARTITION_MS);
    net.heal();
    const healedAt = time.now;
    time.runUntil(healedAt + AFTER_HEAL_MS);
    metrics.afterHeal(sent, healedAt);
  }
  return metrics.figures(scenario, (performance.now() - started) / 1000);
}

function observe(peer: SimPeer, time: VirtualTime, metrics: SimMetrics): void {
  const map: Y.Map<string> = peer.doc.getMap('m');
  map.observe((event) => {
    const origin: unknown = event.transaction.origin;
    const hops = origin instanceof MeshOrigin ? origin.hops : 0;
    for (const key of event.keysChanged as Set<string>)
      metrics.delivered(peer, key, time.now, hops);
  });
}

/** Schedules `count` messages from random alive peers, evenly over `spreadMs` from `at`. */
function sendSpread(
  net: SimNetwork,
  metrics: SimMetrics,
  prefix: string,
  count: number,
  at: number,
  spreadMs: number,
): string[] {
  const keys: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const key = `${prefix}${i}`;
    keys.push(key);
    net.time.at(at + (i * spreadMs) / Math.max(1, count), () => {
      const alive = net.alive();
      const writer = alive[net.time.random.int(alive.length)] as SimPeer;
      metrics.sent(key, net.time.now);
      // About the size of a signed chat entry.
      writer.doc.getMap('m').set(key, `${key}:${'x'.repeat(100)}`);
    });
  }
  return keys;
}

/** Every second, each alive peer leaves with the per-second share of the rate; a newcomer replaces it. */
function startChurn(net: SimNetwork, perMinute: number): void {
  if (perMinute <= 0) return;
  const step = (): void => {
    for (const peer of net.alive()) {
      if (net.time.random.next() < perMinute / 60) {
        net.kill(peer);
        net.addPeer();
      }
    }
    net.time.after(1000, step);
  };
  net.time.after(1000, step);
}
