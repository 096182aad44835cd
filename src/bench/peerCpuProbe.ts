// Where a room of Node peers spends the machine: CPU time of every peer process (and the
// signaling server) while the room sits idle, then while it delivers messages.
// Usage (inside a network namespace):
//   node --import tsx src/bench/peerCpuProbe.ts <peers> [perProcess] [idleSeconds] [messages]
import { readdirSync, readFileSync } from 'node:fs';
import { startBenchServer } from './BenchServer';
import {
  bundleNodePeer,
  pollUntil,
  sleep,
  spawnNodePeers,
  type NodePeer,
} from './nodePeerProcesses';
import { processCpuMicros, processRssMb } from './ProcessStats';

const [count = 25, perProcess = 1, idleSeconds = 20, messages = 1000] = process.argv
  .slice(2)
  .map(Number);

const server = await startBenchServer('ours', {}, null);
const bundle = await bundleNodePeer();
const peers: NodePeer[] = [];
const pids = (): number[] => [...new Set(peers.map((p) => p.pid ?? 0))].filter((pid) => pid > 0);
const cpuOf = (list: number[]): number =>
  list.reduce((sum, pid) => {
    try {
      return sum + processCpuMicros(pid);
    } catch {
      return sum;
    }
  }, 0);

/** CPU ticks of every thread of the processes, by thread name. */
function threads(list: number[]): Map<string, number> {
  const byName = new Map<string, number>();
  for (const pid of list) {
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        byName.set(name, (byName.get(name) ?? 0) + Number(fields[11]) + Number(fields[12]));
      } catch {
        continue;
      }
    }
  }
  return byName;
}

async function window(label: string, ms: number): Promise<void> {
  const list = pids();
  const before = cpuOf(list);
  const threadsBefore = threads(list);
  const serverBefore = server.pid ? processCpuMicros(server.pid) : 0;
  const t = performance.now();
  await sleep(ms);
  const wall = (performance.now() - t) * 1000;
  const used = cpuOf(list) - before;
  const serverUsed = (server.pid ? processCpuMicros(server.pid) : 0) - serverBefore;
  const split = [...threads(list)]
    .map(([name, ticks]) => [name, ticks - (threadsBefore.get(name) ?? 0)] as const)
    .filter(([, ticks]) => ticks > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([name, ticks]) => `${name} ${ticks}`);
  console.log(`  thread ticks: ${split.join(', ')}`);
  const rss = list.reduce((sum, pid) => sum + processRssMb(pid), 0);
  console.log(
    `${label}: ${list.length} peer processes used ${(used / wall).toFixed(2)} cores ` +
      `(${((used / wall / peers.length) * 1000).toFixed(1)} millicores per peer), server ${(serverUsed / wall).toFixed(2)}; RSS ${rss.toFixed(0)} MiB total`,
  );
}

try {
  const url = server.url;
  for (let i = 0; i < count; i += perProcess) {
    const names = Array.from({ length: Math.min(perProcess, count - i) }, (_, k) => `n${i + k}`);
    peers.push(...spawnNodePeers(bundle, url, 'probe', names));
  }
  await Promise.all(peers.map((p) => p.ready));
  await window('loaded, not joined', 5000);
  for (const p of peers) {
    p.request({ type: 'join' });
    await sleep(300);
  }
  const connected = await pollUntil(
    () => Promise.resolve(peers.every((p) => (p.latest()?.peers ?? 0) >= Math.min(4, count - 1))),
    Date.now() + 60_000,
  );
  console.log(
    `connected: ${connected}; links/peer ${peers.map((p) => p.latest()?.peers ?? 0).join(',')}`,
  );
  await sleep(5000);
  await window('joined, idle', idleSeconds * 1000);
  for (const p of peers) p.request({ type: 'expect', count: messages });
  const list = pids();
  const before = cpuOf(list);
  const t = performance.now();
  const shares = Array.from({ length: count }, () => [] as string[]);
  for (let i = 0; i < messages; i += 1) shares[i % count]?.push(`m ${i}`);
  peers.forEach((p, k) => p.request({ type: 'send', texts: shares[k] ?? [] }));
  const done = await pollUntil(
    () => Promise.resolve(peers.every((p) => p.latest()?.completeAt !== undefined)),
    Date.now() + 60_000,
    100,
  );
  const wall = (performance.now() - t) * 1000;
  const used = cpuOf(list) - before;
  const lastSend = Math.max(...peers.map((p) => p.latest()?.sentAt ?? 0));
  const lastComplete = Math.max(...peers.map((p) => p.latest()?.completeAt ?? 0));
  console.log(
    `deliver ${messages}: complete ${done}, ${done ? (lastComplete - lastSend).toFixed(0) : '-'} ms after the last send; ` +
      `${(used / 1e6).toFixed(1)} CPU-s in peers over ${(wall / 1e6).toFixed(1)} s (${(used / wall).toFixed(2)} cores)`,
  );
} finally {
  const grace = process.env.MESHCHAT_PEER_PROFILE ? 10_000 : 3000;
  await Promise.all(peers.map((p) => p.process.stop(grace, () => p.request({ type: 'stop' }))));
  console.log(`local tabs seen: ${Math.max(0, ...peers.map((p) => p.latest()?.localTabs ?? 0))}`);
  bundle.remove();
  await server.stop();
}
