import type { BenchRow } from '../report';
import { runMeshSim, type SimScenario } from './meshSim';
import type { SimFigures } from './SimMetrics';

/** The 1,000-peer room of issue targets: a burst of 100 messages in 1 s under 10%/min churn. */
export const LARGE_SCENARIO: SimScenario = {
  peers: 1000,
  seed: 1,
  messages: 100,
  burstSpreadMs: 1000,
  churnPerMinute: 0.1,
  partitionMessages: 20,
};

const fmt = (n: number): string => n.toLocaleString('en-US');
const pct = (share: number): string => `${(share * 100).toFixed(2)}%`;

/** Runs the simulated large room and turns its figures into benchmark rows. */
export function meshSimRows(scenario: SimScenario = LARGE_SCENARIO): {
  raw: SimFigures;
  rows: BenchRow[];
} {
  const f = runMeshSim(scenario);
  const name = 'mesh simulation';
  const room = `${fmt(f.peers)} simulated peers (virtual time, seed ${f.seed}; links 10-100 ms, 1 MB/s up, apply 27 us + verify 200 us per new update; churn 10%/min)`;
  const rows: BenchRow[] = [
    {
      scenario: name,
      measure: `${room}: ${f.messages} messages in 1 s from random peers; per message, time until every peer has it: p50 / p99 / max; all, after the last send`,
      value: `${fmt(f.convergenceMs.p50)} / ${fmt(f.convergenceMs.p99)} / ${fmt(f.convergenceMs.max)} ms; ${fmt(f.allAfterLastSendMs)} ms`,
      target: 'report',
    },
    {
      scenario: name,
      measure: 'deliveries within 1 s / within 10 s of the send; missed at the end',
      value: `${pct(f.deliveredBy1s)} / ${pct(f.deliveredBy10s)}; ${f.missed} missed`,
      target: '>= 99% / 100%',
      met: f.deliveredBy1s >= 0.99 && f.deliveredBy10s >= 1 && f.missed === 0,
    },
    {
      scenario: name,
      measure:
        'duplicates per delivered message: pushed copies (answers to state vectors and newcomer syncs apart); hops p50 / max',
      value: `${f.duplicatesPerDelivery} (${f.syncDuplicatesPerDelivery}); ${f.hops.p50} / ${f.hops.max}`,
      target: '<= 2',
      met: f.duplicatesPerDelivery <= 2,
    },
    {
      scenario: name,
      measure: 'bytes received per peer per message: payload / control',
      value: `${fmt(f.payloadBytesPerPeerPerMessage)} / ${fmt(f.controlBytesPerPeerPerMessage)} B`,
      target: 'report',
      anchor: 'a chat update is ~140 B',
    },
    {
      scenario: name,
      measure:
        'links per peer at the end: min / mean / max; most at any second; peers alone > 10 s',
      value: `${f.degree.min} / ${f.degree.mean} / ${f.degree.max}; ${f.degree.maxEver}; ${f.aloneMax}`,
      target: 'max <= 8; none alone',
      met: f.degree.maxEver <= 8 && f.aloneMax === 0,
    },
    {
      scenario: name,
      measure:
        "presence: age of a peer's news of a member p50 / p99; members listed; bytes/s per peer",
      value: `${fmt(f.presenceStalenessMs.p50)} / ${fmt(f.presenceStalenessMs.p99)} ms; ${pct(f.presenceRecall)}; ${fmt(f.presenceBytesPerSecPerPeer)} B/s`,
      target: '<= 2,000 B/s',
      met: f.presenceBytesPerSecPerPeer <= 2000,
    },
    {
      scenario: name,
      measure: `partition into two halves for 40 s, ${scenario.partitionMessages} messages sent in it: from the heal until every peer has all; links found dead`,
      value:
        f.healConvergedMs === null
          ? `${f.healMissed} deliveries missing`
          : `${fmt(f.healConvergedMs)} ms; ${fmt(f.linksDeclaredDead)} dead links`,
      target: '<= 10,000 ms',
      met: f.healConvergedMs !== null && f.healConvergedMs <= 10_000,
    },
    {
      scenario: name,
      measure: 'real time the simulation took',
      value: `${f.wallSeconds} s`,
    },
  ];
  return { raw: f, rows };
}
