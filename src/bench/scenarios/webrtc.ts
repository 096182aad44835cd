// Scenarios between browser peers over WebRTC: latency, bursts, appends, signatures, catch-up.
import { catchUp } from '../catchUpBench';
import { signVerify } from '../identityBench';
import { append, burst, latency } from '../webrtcBench';
import { fmt, type Scenario } from './scenario';

export const webrtcScenarios: Record<string, Scenario> = {
  latency: async (rig) => {
    const f = await latency(await rig(), 1000);
    return {
      raw: f,
      rows: [
        {
          scenario: 'delivery latency',
          measure: `p50 / p99, ${fmt(f.messages)} messages 5 ms apart, A -> B over WebRTC`,
          value: `${f.p50Ms} / ${f.p99Ms} ms`,
          target: 'p50 <= 2 ms, p99 <= 8 ms',
          anchor: `raw RTCDataChannel ${f.rawP50Ms} / ${f.rawP99Ms} ms`,
          met: f.p50Ms <= 2 && f.p99Ms <= 8,
        },
        {
          scenario: 'delivery latency',
          measure: 'ratio of p50 to the raw channel p50',
          value: `${f.ratioP50}`,
          target: '<= 2',
          met: f.ratioP50 <= 2,
        },
      ],
    };
  },
  burst: async (rig) => {
    const f = await burst(await rig(), 10_000);
    return {
      raw: f,
      rows: [
        {
          scenario: 'burst',
          measure: `${fmt(f.messages)} messages from A to ${f.receivers} receivers: lost, last delivered`,
          value: `${f.lost} lost, ${fmt(f.lastDeliveredMs)} ms`,
          target: '0 lost, <= 3,000 ms',
          met: f.lost === 0 && f.lastDeliveredMs <= 3000,
        },
      ],
    };
  },
  append: async (rig) => {
    const f = await append(await rig(), 100_000);
    const growth = f.lastSliceMs / Math.max(1, f.firstSliceMs);
    return {
      raw: f,
      rows: [
        {
          scenario: 'append',
          measure: `${fmt(f.appends)} appends, one per call, until all are in the log`,
          value: `${fmt(f.totalMs)} ms`,
          target: '<= 1,000 ms',
          anchor: `single Y.Array push loop ${fmt(f.anchorTotalMs)} ms (${(f.anchorTotalMs / f.totalMs).toFixed(1)}x ours)`,
          met: f.totalMs <= 1000,
        },
        {
          scenario: 'append',
          measure: 'last 10% vs first 10% of the appends (ms)',
          value: `${f.lastSliceMs} vs ${f.firstSliceMs}`,
          target: 'last no slower than 1.5x first',
          anchor: `Y.Array ${f.anchorLastSliceMs} vs ${f.anchorFirstSliceMs}`,
          met: growth <= 1.5,
        },
      ],
    };
  },
  verify: async (rig) => {
    const f = await signVerify(await rig(), 10_000);
    return {
      raw: f,
      rows: [
        {
          scenario: 'verify',
          measure: `Ed25519 in Chromium, ${fmt(f.messages)} ~100-byte messages of ${f.users} users: sign; verify awaited one by one / all at once (keys cached); verify with the key imported each time (${fmt(f.uncached)})`,
          value: `${fmt(f.signPerSec)}/s; ${fmt(f.verifyAwaitedPerSec)}/s / ${fmt(f.verifyConcurrentPerSec)}/s; ${fmt(f.verifyUncachedPerSec)}/s`,
          target: 'report',
          anchor: `key imports with the cache: ${f.imports} for ${f.users} users`,
        },
      ],
    };
  },
  catchup: async (rig) => {
    const SEALED = { live: 10_000, size: 10_000 };
    const f = await catchUp(await rig(), 100_000);
    const s = await catchUp(await rig(), 100_000, SEALED);
    // MESHCHAT_CATCHUP_MILLION=1 adds the sealed room of a million messages. Its writer takes
    // at least 12 minutes: its clock ticks once a message and may not run more than
    // MAX_LEAD_MS ahead of the wall clock (its entries would be held back, not sealed).
    const m = process.env.MESHCHAT_CATCHUP_MILLION
      ? await catchUp(await rig(), 1_000_000, { ...SEALED, chunk: 50_000 })
      : undefined;
    return {
      raw: { single: f, sealed: s, ...(m ? { sealedMillion: m } : {}) },
      rows: [
        {
          scenario: 'catch-up',
          measure: `new peer joins a room of ${fmt(f.messages)}: newest 100 / all, from connection open; bytes it received`,
          value: `${fmt(f.newest100Ms)} / ${fmt(f.allMs)} ms; ${(f.wireBytes / 1e6).toFixed(1)} MB`,
          target: '<= 500 / <= 3,000 ms',
          anchor: `${(f.stateBytes / 1e6).toFixed(1)} MB state; raw data channel moves it in ${fmt(f.rawTransferMs)} ms`,
          met: f.newest100Ms <= 500 && f.allMs <= 3000,
        },
        {
          scenario: 'catch-up',
          measure: `the same, sealed: the writer's document keeps the newest ${fmt(SEALED.live)} entries, the rest in segments of ${fmt(SEALED.size)} the newcomer fetches (src/log/Seals.ts) and keeps in IndexedDB as the app does (src/storage/SealedPages.ts reads their messages): newest 100 / all (every segment kept, every message readable from storage); bytes received; document entries and segments checked at the newcomer; messages it holds in memory, its JS heap at the end (after a collection); the writer's time to seal`,
          value: `${fmt(s.newest100Ms)} / ${fmt(s.allMs)} ms; ${(s.wireBytes / 1e6).toFixed(1)} MB; ${fmt(s.sealed?.live ?? 0)} entries, ${fmt(s.sealed?.segments ?? 0)} segments; ${fmt(s.sealed?.inMemory ?? 0)} in memory, heap ${s.sealed?.heapMB ?? 0} MB; sealed in ${fmt(s.sealed?.sealMs ?? 0)} ms`,
          target: '<= 500 / <= 3,000 ms',
          anchor: `single document above; ${(s.stateBytes / 1e6).toFixed(1)} MB document state`,
          met: s.newest100Ms <= 500 && s.allMs <= 3000,
        },
        ...(m
          ? [
              {
                scenario: 'catch-up',
                measure: `the same sealed room at ${fmt(m.messages)} messages (the writer writes and seals it ${fmt(50_000)} at a time): newest 100 / all; bytes received; document entries and segments checked at the newcomer; messages it holds in memory, its JS heap at the end; the writer's time to write and seal it`,
                value: `${fmt(m.newest100Ms)} / ${fmt(m.allMs)} ms; ${(m.wireBytes / 1e6).toFixed(1)} MB; ${fmt(m.sealed?.live ?? 0)} entries, ${fmt(m.sealed?.segments ?? 0)} segments; ${fmt(m.sealed?.inMemory ?? 0)} in memory, heap ${m.sealed?.heapMB ?? 0} MB; written and sealed in ${fmt(m.sealed?.sealMs ?? 0)} ms`,
                target: 'report',
                anchor: `${(m.stateBytes / 1e6).toFixed(1)} MB document state`,
              },
            ]
          : []),
      ],
    };
  },
};
