/**
 * Signaling load test: C WebSocket clients spread over R rooms (topics), each publishing at a
 * fixed rate, against any server speaking y-webrtc's signaling protocol. Reports delivered
 * messages per second, delivery latency, and the server's and the load generator's CPU.
 *
 *   node --import tsx src/bench/signaling-load.ts --server ours,stock --clients 1000 --rooms 100
 *
 * Options: --server ours|stock|bare|ws://URL (comma-separated to compare in one run), --clients,
 * --rooms, --rate (publishes per client per second), --duration (seconds), --payload (bytes of
 * padding per publish), --pid (server pid to measure when --server is a URL), --processes N
 * (with ours: N processes sharing rooms through a redis-server started for the run; every
 * room then has members on each process).
 */
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import type { WebSocket } from 'ws';
import { bridgeRooms, probeToken } from './bridgeProbe.js';
import { startRedisGroup, startSingle, type ServerGroup } from './ServerGroup.js';
import { killAllChildren } from './children.js';
import { connectClient, type Client } from './loadClient.js';
import { CpuMeter, openFilesLimit, processRssMb } from './ProcessStats.js';
import type { SignalingLoadOptions, SignalingLoadResult } from './signalingLoadOptions.js';

/** Sockets per client plus headroom for the loader's own files. */
export function filesNeeded(clients: number): number {
  return clients + 64;
}

const CONNECT_BATCH = 100;
const DRAIN_MS = 3000;
const CONNECT_PHASE_MS = 120_000;
/** Precedes the send time (performance.now() of this process) in every published message. */
const SEND_TIME_MARKER = '"sentAt":';

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

/** Runs one load test; starts and always stops the server when it spawned one. */
export async function runSignalingLoad(
  options: SignalingLoadOptions,
): Promise<SignalingLoadResult> {
  const { clients, rooms, ratePerClient } = options;
  const durationSec = options.durationSec ?? 10;
  const processes = options.processes ?? 1;
  if (!(clients >= 1 && rooms >= 1 && rooms <= clients && ratePerClient > 0 && durationSec > 0)) {
    throw new Error('need clients >= rooms >= 1, rate > 0 and duration > 0');
  }
  if (!(Number.isInteger(processes) && processes >= 1)) {
    throw new Error('processes must be a whole number >= 1');
  }
  if (processes > 1 && (options.server !== 'ours' || clients < processes * rooms)) {
    throw new Error('several processes need --server ours and clients >= processes x rooms');
  }
  const { soft } = openFilesLimit();
  if (soft < filesNeeded(clients)) {
    throw new Error(
      `${clients} clients need ${filesNeeded(clients)} open files; ulimit -n is ${soft}`,
    );
  }
  const serverLimits = {
    MAX_CONNECTIONS: String(clients + 16),
    MAX_CONNECTIONS_PER_IP: String(clients + 16),
    // Every simulated client shares 127.0.0.1: the per-address budget must hold them all.
    ADDRESS_PUBLISH_RATE: String(clients * 10),
    ADDRESS_PUBLISH_BYTES_RATE: String(2 ** 30),
  };
  const group: ServerGroup =
    processes > 1
      ? await startRedisGroup(processes, serverLimits)
      : await startSingle(options.server, serverLimits, options.pid ?? null);
  options.onServerStarted?.(group.pids[0] ?? null);
  options.onStarted?.([...group.pids, ...(group.redisPid === null ? [] : [group.redisPid])]);
  const sockets: WebSocket[] = [];
  try {
    const padding = 'x'.repeat(options.payloadBytes ?? 100);
    const roomSize = new Array<number>(rooms).fill(0);
    let latencies = new Float64Array(1024);
    let delivered = 0;
    /** Receivers of each probe (rooms bridged over Redis), by its token. */
    const probes = new Map<string, number>();
    const onMessage = (raw: Buffer): void => {
      // The send time is found by its marker rather than by parsing the whole message: the
      // load generator must stay cheap, so that what is measured is the server.
      const text = raw.toString('latin1');
      const at = text.indexOf(SEND_TIME_MARKER);
      if (at === -1) {
        const probe = probeToken(text);
        if (probe !== undefined) probes.set(probe, (probes.get(probe) ?? 0) + 1);
        return;
      }
      const sentAt = Number.parseFloat(text.slice(at + SEND_TIME_MARKER.length, at + 40));
      if (Number.isNaN(sentAt)) return;
      if (delivered === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[delivered++] = performance.now() - sentAt;
    };
    const clientsList: Client[] = [];
    const connectDeadline = performance.now() + CONNECT_PHASE_MS;
    for (let first = 0; first < clients; first += CONNECT_BATCH) {
      if (performance.now() > connectDeadline) {
        throw new Error(`connected only ${first} of ${clients} clients in ${CONNECT_PHASE_MS} ms`);
      }
      const batch = [];
      for (let i = first; i < Math.min(clients, first + CONNECT_BATCH); i += 1) {
        const room = i % rooms;
        roomSize[room] = (roomSize[room] ?? 0) + 1;
        // Members of one room alternate between the processes.
        const url = group.urls[Math.floor(i / rooms) % group.urls.length] ?? '';
        batch.push(connectClient(url, `load-room-${room}`, onMessage, sockets));
      }
      clientsList.push(...(await Promise.all(batch)));
    }
    if (processes > 1) await bridgeRooms(clientsList, rooms, processes, roomSize, probes);
    const meters = group.pids.map((pid) => new CpuMeter(pid));
    const redisMeter = group.redisPid === null ? null : new CpuMeter(group.redisPid);
    const totalRate = clients * ratePerClient;
    const sendCount = Math.floor(totalRate * durationSec);
    let sent = 0;
    let expected = 0;
    const startedAt = performance.now();
    // One timer paces every client: publishes due by now are sent round-robin, so the load
    // is spread evenly over time instead of arriving in one burst per second.
    await new Promise<void>((done) => {
      const tick = setInterval(() => {
        const due = Math.min(
          sendCount,
          Math.floor(((performance.now() - startedAt) / 1000) * totalRate),
        );
        for (; sent < due; sent += 1) {
          const index = sent % clients;
          const client = clientsList[index] as Client;
          expected += roomSize[index % rooms] ?? 0;
          const data = { sentAt: performance.now(), from: index, seq: sent, pad: padding };
          client.socket.send(JSON.stringify({ type: 'publish', topic: client.topic, data }));
        }
        if (sent >= sendCount) {
          clearInterval(tick);
          done();
        }
      }, 5);
    });
    const publishSec = (performance.now() - startedAt) / 1000;
    const drainUntil = performance.now() + DRAIN_MS;
    while (delivered < expected && performance.now() < drainUntil) {
      await new Promise((wake) => setTimeout(wake, 20));
    }
    const usages = meters.map((meter) => meter.read());
    const usage = usages[0] ?? {
      wallMicros: 1,
      cpuMicros: null,
      systemMicros: null,
      selfMicros: 0,
      syscalls: null,
    };
    const cpuMicros = usages.some((u) => u.cpuMicros === null)
      ? null
      : usages.reduce((sum, u) => sum + (u.cpuMicros ?? 0), 0);
    const systemMicros = usages.some((u) => u.systemMicros === null)
      ? null
      : usages.reduce((sum, u) => sum + (u.systemMicros ?? 0), 0);
    const syscalls = usages.some((u) => u.syscalls === null)
      ? null
      : usages.reduce(
          (sum, u) => ({
            reads: sum.reads + (u.syscalls?.reads ?? 0),
            writes: sum.writes + (u.syscalls?.writes ?? 0),
          }),
          { reads: 0, writes: 0 },
        );
    const rss = group.pids.some((pid) => pid === null)
      ? null
      : group.pids.reduce<number>((sum, pid) => sum + processRssMb(pid ?? 0), 0);
    const redisCpu = redisMeter?.read().cpuMicros ?? null;
    const redisRss = group.redisPid === null ? null : processRssMb(group.redisPid);
    const sorted = latencies.slice(0, delivered).sort();
    const round = (value: number, digits = 2): number => Number(value.toFixed(digits));
    return {
      server: options.server,
      serverCommand: group.command,
      clients,
      rooms,
      ratePerClient,
      durationSec,
      published: sent,
      expected,
      delivered,
      deliveredPerSec: Math.round(delivered / publishSec),
      p50Ms: round(quantile(sorted, 0.5), 3),
      p99Ms: round(quantile(sorted, 0.99), 3),
      processes,
      serverRssMb: rss === null ? null : round(rss, 1),
      serverCpuPercent: cpuMicros === null ? null : round((100 * cpuMicros) / usage.wallMicros, 1),
      serverCpuUsPerDelivered:
        cpuMicros === null || delivered === 0 ? null : round(cpuMicros / delivered),
      serverSystemCpuUsPerDelivered:
        systemMicros === null || delivered === 0 ? null : round(systemMicros / delivered),
      serverWritesPerDelivered:
        syscalls === null || delivered === 0 ? null : round(syscalls.writes / delivered, 3),
      serverReadsPerDelivered:
        syscalls === null || delivered === 0 ? null : round(syscalls.reads / delivered, 3),
      redisCpuUsPerDelivered:
        redisCpu === null || delivered === 0 ? null : round(redisCpu / delivered),
      redisRssMb: redisRss === null ? null : round(redisRss, 1),
      loadgenCpuPercent: round((100 * usage.selfMicros) / usage.wallMicros, 1),
    };
  } finally {
    for (const socket of sockets) socket.terminate();
    await group.stop();
  }
}

function argument(args: readonly string[], name: string, fallback: string): string {
  const index = args.indexOf(`--${name}`);
  return index >= 0 && index + 1 < args.length ? (args[index + 1] ?? fallback) : fallback;
}

/** CLI: raises its own open-files limit by re-executing under `ulimit -n` when allowed. */
async function cli(args: readonly string[]): Promise<void> {
  const clients = Number(argument(args, 'clients', '1000'));
  const { soft, hard } = openFilesLimit();
  const needed = filesNeeded(clients);
  if (soft < needed && process.env.SIGNALING_LOAD_REEXEC === undefined) {
    if (hard < needed)
      throw new Error(`${clients} clients need ulimit -n >= ${needed}; hard limit is ${hard}`);
    const command = [process.execPath, ...process.execArgv, ...process.argv.slice(1)];
    execFileSync('sh', ['-c', `ulimit -n ${needed} && exec "$@"`, 'sh', ...command], {
      stdio: 'inherit',
      env: { ...process.env, SIGNALING_LOAD_REEXEC: '1' },
    });
    return;
  }
  // Ctrl-C or a kill ends the servers we started too.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAllChildren();
      process.exit(130);
    });
  }
  const results: SignalingLoadResult[] = [];
  for (const server of argument(args, 'server', 'ours').split(',')) {
    const pid = argument(args, 'pid', '');
    const result = await runSignalingLoad({
      server,
      clients,
      rooms: Number(argument(args, 'rooms', '100')),
      ratePerClient: Number(argument(args, 'rate', '1')),
      durationSec: Number(argument(args, 'duration', '10')),
      payloadBytes: Number(argument(args, 'payload', '100')),
      processes: Number(argument(args, 'processes', '1')),
      ...(pid === '' ? {} : { pid: Number(pid) }),
    });
    process.stderr.write(`${JSON.stringify(result)}\n`);
    results.push(result);
  }
  process.stdout.write(`${JSON.stringify(results.length === 1 ? results[0] : results, null, 2)}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  cli(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(
      `signaling-load: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  });
}
