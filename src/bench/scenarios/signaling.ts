// Scenarios of the signaling server: load on one process and on two sharing redis, and an outage.
import { signalingOutage } from '../outageBench';
import { signalingScenario } from '../signalingBench';
import { signalingRedis } from '../signalingRedisBench';
import type { Scenario } from './scenario';

export const signalingScenarios: Record<string, Scenario> = {
  signaling: () => signalingScenario(),
  // Two processes sharing a redis-server the run starts and stops, beside one process.
  signalingredis: () => signalingRedis(),
  outage: async (rig) => {
    // Four peers, the server down for 5 s: long enough for every client to be in its backoff.
    const f = await signalingOutage((await rig()).browser, 4, 5000);
    return {
      raw: f,
      rows: [
        {
          scenario: 'signaling outage',
          measure: `${f.peers} peers, server killed and back after ${f.downMs / 1000} s: a message sent meanwhile reaches every peer; from the server listening again until every peer's signaling is back (each peer)`,
          value: `${f.keptChatting ? `delivered in ${f.outageDeliveryMs} ms` : 'not delivered'}; all back in ${f.allRejoinedMs} ms (${f.rejoinMs.join(', ')})`,
          target: 'chat goes on; every peer back within 3 s',
          met: f.keptChatting && f.allRejoinedMs <= 3000,
        },
      ],
    };
  },
};
