/**
 * The signaling frames and bytes this project's server sends (its /metrics) while N Node peers
 * (the real RoomSession and mesh, five to a process) join one room, one every 200 ms, until each
 * has four connections (or 90 s pass), and over the 10 s after. Publish limits are raised so
 * that none is refused. Routed signaling against unrouted: run it on both versions.
 *
 *   unshare -n sh src/testing/netns.sh node --import tsx src/bench/joinFrames.ts [peers (25)]
 */
import { parseArgs } from 'node:util';
import { startBenchServer } from './BenchServer';
import { bundleNodePeer, spawnNodePeers, sleep, type NodePeer } from './nodePeerProcesses';

const { positionals } = parseArgs({ allowPositionals: true });
const N = Number(positionals[0] ?? 25);
const metric = async (base: string, name: string): Promise<number> => {
  const text = await (await fetch(`${base}/metrics`)).text();
  const match = new RegExp(`^${name} (\\d+)`, 'm').exec(text);
  return Number(match?.[1] ?? NaN);
};
const server = await startBenchServer('ours', {
  PUBLISH_RATE: '1000',
  PUBLISH_BURST: '4000',
  ADDRESS_PUBLISH_RATE: '100000',
  ADDRESS_PUBLISH_BYTES_RATE: '100000000',
  PUBLISH_BYTES_RATE: '10000000',
  PUBLISH_BYTES_BURST: '10000000',
  MAX_CONNECTIONS_PER_IP: '1000',
});
const http = server.url.replace(/^ws/, 'http').replace(/\/$/, '');
const signalingUrl = `${server.url}signal`;
const bundle = await bundleNodePeer();
const peers: NodePeer[] = [];
try {
  for (let i = 0; i < N; i += 5) {
    const names = Array.from({ length: Math.min(5, N - i) }, (_, k) => `n${i + k}`);
    peers.push(...spawnNodePeers(bundle, signalingUrl, 'frames-room', names));
  }
  await Promise.all(peers.map((p) => p.ready));
  const f0 = await metric(http, 'meshchat_signaling_frames_out_total');
  const b0 = await metric(http, 'meshchat_signaling_bytes_out_total');
  const fin0 = await metric(http, 'meshchat_signaling_frames_in_total');
  const t0 = Date.now();
  for (const p of peers) {
    p.request({ type: 'join' });
    await sleep(200);
  }
  const until = Date.now() + 90_000;
  const want = Math.min(4, N - 1);
  while (Date.now() < until && !peers.every((p) => (p.latest()?.peers ?? 0) >= want))
    await sleep(250);
  const connectedMs = Date.now() - t0;
  const f1 = await metric(http, 'meshchat_signaling_frames_out_total');
  const b1 = await metric(http, 'meshchat_signaling_bytes_out_total');
  const fin1 = await metric(http, 'meshchat_signaling_frames_in_total');
  await sleep(10_000);
  const f2 = await metric(http, 'meshchat_signaling_frames_out_total');
  const b2 = await metric(http, 'meshchat_signaling_bytes_out_total');
  const below = peers.filter((p) => (p.latest()?.peers ?? 0) < want).length;
  const degree = peers.map((p) => p.latest()?.peers ?? 0);
  console.log(
    JSON.stringify({
      peers: N,
      connectedMs,
      below,
      degreeMean: degree.reduce((a, b) => a + b, 0) / N,
      framesOutToConnected: f1 - f0,
      bytesOutToConnected: b1 - b0,
      framesInToConnected: fin1 - fin0,
      framesOutPlus10s: f2 - f0,
      bytesOutPlus10s: b2 - b0,
    }),
  );
} finally {
  for (const p of peers) p.request({ type: 'stop' });
  await sleep(1000);
  for (const p of new Set(peers.map((x) => x.process))) await p.stop();
  bundle.remove();
  await server.stop();
}
