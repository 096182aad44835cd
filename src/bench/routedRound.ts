/**
 * What routed signaling saves the server: C clients in one room, each announces itself, then
 * every client sends an offer-sized message to every other one (one full round of offers, as a
 * room forms). `stock` publishes as y-webrtc does (every message to the whole room); `routed`
 * says hello and names sender and target. Prints, per mode, the frames and bytes the server
 * sent (its /metrics), the frames the clients received, and the server's CPU time.
 *
 *   node --import tsx src/bench/routedRound.ts [--clients 50] [--offer-bytes 600]
 */
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { startBenchServer } from './BenchServer';
import { processCpuMicros } from './ProcessStats';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '50' },
    'offer-bytes': { type: 'string', default: '600' },
  },
});
const CLIENTS = Number(values.clients);
const OFFER = 'A'.repeat(Number(values['offer-bytes'])); // as base64 ciphertext looks

interface Client {
  readonly ws: WebSocket;
  readonly id: string;
  received: number;
  pongs: number;
}

async function connect(url: string, id: string): Promise<Client> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  const client: Client = { ws, id, received: 0, pongs: 0 };
  ws.on('message', (raw: Buffer) => {
    const type = (JSON.parse(raw.toString()) as { type?: string }).type;
    if (type === 'publish') client.received += 1;
    if (type === 'pong') client.pongs += 1;
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return client;
}

/** Every client's frames so far are handled and what they caused has arrived. */
async function settle(clients: Client[]): Promise<void> {
  const want = clients.map((c) => c.pongs + 1);
  for (const c of clients) c.ws.send('{"type":"ping"}');
  while (clients.some((c, i) => c.pongs < (want[i] ?? 0))) {
    await new Promise((wake) => setTimeout(wake, 5));
  }
}

async function metric(base: string, name: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const match = new RegExp(`^${name} (\\d+)`, 'm').exec(text);
  return Number(match?.[1] ?? NaN);
}

async function round(mode: 'stock' | 'routed'): Promise<Record<string, unknown>> {
  const server = await startBenchServer('ours', {
    NODE_ENV: 'development',
    MAX_CONNECTIONS_PER_IP: '1000',
    // One client sends CLIENTS - 1 offers at once: limits of a room this size, not a flood's.
    PUBLISH_RATE: '100000',
    PUBLISH_BURST: '100000',
    PUBLISH_BYTES_RATE: '100000000',
    PUBLISH_BYTES_BURST: '100000000',
    ADDRESS_PUBLISH_RATE: '1000000',
    ADDRESS_PUBLISH_BYTES_RATE: '1000000000',
  });
  try {
    const http = server.url.replace('ws://', 'http://').replace(/\/$/, '');
    const clients = await Promise.all(
      Array.from({ length: CLIENTS }, (_, i) => connect(server.url, `peer-${i}`)),
    );
    const topic = 'round';
    for (const c of clients) {
      if (mode === 'routed') c.ws.send('{"type":"hello"}');
      c.ws.send(JSON.stringify({ type: 'subscribe', topics: [topic] }));
    }
    await settle(clients);
    for (const c of clients) {
      const route = mode === 'routed' ? { from: c.id } : {};
      c.ws.send(JSON.stringify({ type: 'publish', topic, data: OFFER.slice(0, 100), ...route }));
    }
    await settle(clients);
    for (const c of clients) c.received = 0;
    const [framesBefore, bytesBefore] = await Promise.all([
      metric(http, 'meshchat_signaling_frames_out_total'),
      metric(http, 'meshchat_signaling_bytes_out_total'),
    ]);
    const cpuBefore = server.pid === null ? NaN : processCpuMicros(server.pid);
    const started = performance.now();
    for (const from of clients) {
      for (const to of clients) {
        if (to === from) continue;
        const route = mode === 'routed' ? { from: from.id, to: to.id } : {};
        from.ws.send(JSON.stringify({ type: 'publish', topic, data: OFFER, ...route }));
      }
    }
    await settle(clients);
    const ms = performance.now() - started;
    const cpu = server.pid === null ? NaN : processCpuMicros(server.pid) - cpuBefore;
    const [framesAfter, bytesAfter] = await Promise.all([
      metric(http, 'meshchat_signaling_frames_out_total'),
      metric(http, 'meshchat_signaling_bytes_out_total'),
    ]);
    for (const c of clients) c.ws.terminate();
    return {
      mode,
      clients: CLIENTS,
      offers: CLIENTS * (CLIENTS - 1),
      // Includes the CLIENTS pongs of the settle().
      serverFramesSent: framesAfter - framesBefore,
      serverBytesSent: bytesAfter - bytesBefore,
      clientPublishesReceived: clients.reduce((sum, c) => sum + c.received, 0),
      serverCpuMs: Math.round(cpu / 100) / 10,
      wallMs: Math.round(ms),
    };
  } finally {
    await server.stop();
  }
}

for (const mode of ['stock', 'routed'] as const) console.log(JSON.stringify(await round(mode)));
