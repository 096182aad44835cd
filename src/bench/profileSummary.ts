// Where the Node peers' CPU went: self time of the CPU profiles that MESHCHAT_PEER_PROFILE
// saved (src/bench/nodePeer.ts), summed over the processes, by source module of the peer
// bundle and by function.
// Usage: node --import tsx src/bench/profileSummary.ts <dir> [top]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleNodePeer } from './nodePeerProcesses';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [dir = '', topArg = '40'] = process.argv.slice(2);
if (!dir) throw new Error('usage: profileSummary <dir> [top]');

// The bundle is built the same way from the same sources, so its lines match the profiles';
// esbuild marks where each module starts with a `// <path>` line.
const bundle = await bundleNodePeer();
const lines = readFileSync(bundle.instanceFile, 'utf8').split('\n');
bundle.remove();
const moduleAt: string[] = [];
let current = '(bundle)';
for (const line of lines) {
  const marker = /^\/\/ ((?:src|node_modules)\/\S+)$/.exec(line);
  if (marker?.[1]) current = marker[1];
  moduleAt.push(current);
}

const byModule = new Map<string, number>();
const byFunction = new Map<string, number>();
let total = 0;
const add = (map: Map<string, number>, key: string, us: number): void => {
  map.set(key, (map.get(key) ?? 0) + us);
};
for (const file of readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'))) {
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const frame = nodes.get(id)?.callFrame;
    if (!frame) return;
    total += us;
    const module = frame.url.includes('nodePeerInstance.mjs')
      ? (moduleAt[frame.lineNumber] ?? '(bundle)')
      : frame.url === ''
        ? `(${frame.functionName || 'native'})`
        : frame.url.replace(/^.*node_modules\//, 'node_modules/').replace(/^node:/, 'node:');
    add(byModule, module, us);
    add(byFunction, `${frame.functionName || '(anonymous)'} ${module}:${frame.lineNumber + 1}`, us);
  });
}
const top = Number(topArg);
const show = (title: string, map: Map<string, number>): void => {
  console.log(`\n${title} (of ${(total / 1e6).toFixed(1)} s sampled)`);
  for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(
      `${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1e3).toFixed(0).padStart(7)} ms  ${key}`,
    );
};
show('self time by module', byModule);
show('self time by function', byFunction);
