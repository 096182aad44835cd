// Scenarios of large rooms: real peers (Node and browser) and the simulated mesh.
import { DEFAULT_PEERS_PER_PROCESS, roomScale } from '../roomScaleBench';
import { meshSimRows } from '../sim/meshSimBench';
import { fmt, type Scenario } from './scenario';

export const scaleScenarios: Record<string, Scenario> = {
  scale: async (rig) => {
    const figures = [];
    // MESHCHAT_SCALE_SIZES=10,25 runs chosen sizes (the large ones need a quiet machine).
    const sizes = (process.env.MESHCHAT_SCALE_SIZES ?? '10,25,50,100').split(',').map(Number);
    // MESHCHAT_SCALE_PER_PROCESS=1 hosts each Node peer in its own process.
    const perProcess = Number(process.env.MESHCHAT_SCALE_PER_PROCESS ?? DEFAULT_PEERS_PER_PROCESS);
    for (const peers of sizes) {
      const log = (line: string): void => console.log(`  ${peers} peers: ${line}`);
      // MESHCHAT_SCALE_IDLE_MS=<ms>: measure the idle room's CPU that long before sending.
      const idleProbeMs = Number(process.env.MESHCHAT_SCALE_IDLE_MS ?? 0);
      figures.push(
        await roomScale(await rig(), peers, 1000, {
          log,
          peersPerProcess: perProcess,
          idleProbeMs,
        }),
      );
    }
    const percent = (share: number): string => `${Math.round(share * 100)}%`;
    const orUnknown = (n: number | null): string => (n === null ? '?' : fmt(n));
    return {
      raw: figures,
      rows: figures.map((f) => {
        const total = f.nodePeers + f.browserPeers;
        const delivered =
          f.allDeliveredMs === null
            ? `${f.incomplete} of ${total} peers incomplete`
            : `${fmt(f.allDeliveredMs)} ms (${fmt(f.allDeliveredFromCommandMs ?? NaN)} ms from the send commands; the last peer sent ${fmt(f.sendLagMs)} ms late)`;
        const notStarted = f.notStarted > 0 ? `, ${f.notStarted} never started` : '';
        return {
          scenario: 'room scale',
          measure: `${f.nodePeers} Node peers in ${f.nodeProcesses} processes + ${f.browserPeers} browser peers, ${fmt(f.messages)} messages from random peers: every peer has all, after the last send (and after the commands to send); connections per peer; bytes received and awareness updates (Node peers) per message per peer, over peers still reporting; peers below ${f.wantedConnections} connections at the first send; machine CPU busy connecting / delivering; Node peers silent (too busy to report every 500 ms): longest while delivering, how many at the end; CPU time of the Node peer processes in the deliver phase per message per Node peer (the machine's load changes it little)`,
          value: `${delivered}${notStarted}; ${f.connectionsPerPeer} connections; ${orUnknown(f.bytesPerMessagePerPeer)} B, ${orUnknown(f.awarenessUpdatesPerMessagePerPeer)} awareness; ${f.underConnected} below; CPU ${percent(f.cpuBusy.connect)} / ${percent(f.cpuBusy.deliver)}; silent ${fmt(f.silenceMaxMs.deliver)} ms, ${f.silentAtEnd} of ${f.nodePeers - f.notStarted} at the end; Node peers' CPU ${orUnknown(f.nodeCpuPerMessageUs)} us per message per peer`,
          target: '<= 5,000 ms',
          met: f.allDeliveredMs !== null && f.allDeliveredMs <= 5000,
        };
      }),
    };
  },
  meshsim: () => Promise.resolve(meshSimRows()),
};
