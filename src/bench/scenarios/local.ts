// Scenarios that run in this process alone: the hub's fan-out and the search index.
import { hubScenario } from '../hubBench';
import { searchScenario } from '../searchBench';
import { fmt, type Scenario } from './scenario';

export const localScenarios: Record<string, Scenario> = {
  hub: () => {
    const figures = hubScenario();
    const rows = figures.map((f) => ({
      scenario: 'hub',
      measure: `deliveries/s, ${f.subscribers} subscriber${f.subscribers === 1 ? '' : 's'}`,
      value: fmt(f.deliveriesPerSec),
      target: 'report',
    }));
    return Promise.resolve({ raw: figures, rows });
  },
  search: async () => {
    const f = await searchScenario();
    return {
      raw: f,
      rows: [
        {
          scenario: 'search',
          measure: `query p50 / p99 / max over ${fmt(f.messages)} stored messages in ${String(f.rooms)} rooms, ${String(f.queries)} queries (words, rare words, pairs, prefixes; Node's V8)`,
          value: `${String(f.p50Ms)} / ${String(f.p99Ms)} / ${String(f.maxMs)} ms`,
          target: '<= 50 ms',
          anchor: `${fmt(f.hits)} hits in all`,
          met: f.maxMs <= 50,
        },
        {
          scenario: 'search',
          measure: `heap of the index over ${fmt(f.messages)} messages, their texts included (pages copied as IndexedDB returns them); time to read them into it`,
          value: `${String(f.heapMb)} MB; ${fmt(f.buildMs)} ms`,
          target: '<= 30 MB',
          met: f.heapMb <= 30,
        },
      ],
    };
  },
};
