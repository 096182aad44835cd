// Scenarios of the page itself: opening a cached room offline, and the size of its JS.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { bundleSize, ON_DEMAND, type BundleFigure } from '../bundleBench';
import { coldOpen, type ColdOpenFigure } from '../coldOpenBench';
import type { BenchRow } from '../report';
import { fmt, root, type Scenario } from './scenario';

export const pageScenarios: Record<string, Scenario> = {
  coldopen: async () => {
    // Rooms generated once and cached (coldOpenStore.ts): the single-document design as the
    // anchor, then rooms sealed as the app keeps them, quiet, then beside a CPU-bound process.
    const anchor = await coldOpen(100_000, 'single');
    const sealed100k = await coldOpen(100_000, 'sealed', undefined, { pageBack: true });
    const sealed1m = await coldOpen(1_000_000, 'sealed', undefined, { pageBack: true });
    const busy1m = await coldOpen(1_000_000, 'sealed', 10_000, { busy: true });
    const codeAfterPaint = (f: ColdOpenFigure): boolean =>
      f.roomCodeRequestedMs !== null && f.roomCodeRequestedMs >= f.newestRenderedMs;
    const row = (f: ColdOpenFigure, target: string, met?: boolean): BenchRow => ({
      scenario: 'cold open',
      measure: `${fmt(f.messages)} cached messages ${f.shape === 'sealed' ? 'sealed (live document of 10,000, older ones in segments)' : 'in one document (the design before sealing; the app seals it once loaded)'}, offline, room page${f.busy ? ', a CPU-bound process running beside it' : ''}: newest message rendered from navigation start; JS heap then / once all loaded; room code (Yjs) requested`,
      value: `${fmt(f.newestRenderedMs)} ms; ${f.heapAtRenderMb} / ${f.heapLoadedMb} MB; ${f.roomCodeRequestedMs === null ? 'never' : `at ${fmt(f.roomCodeRequestedMs)} ms`}`,
      target,
      ...(met === undefined ? {} : { met }),
    });
    return {
      raw: [anchor, sealed100k, sealed1m, busy1m],
      rows: [
        {
          ...row(anchor, 'report'),
          anchor: 'single-document design; rooms generated once, cached in .cache/bench/coldopen/',
        },
        row(sealed100k, 'report; room code after the paint', codeAfterPaint(sealed100k)),
        row(
          sealed1m,
          '<= 300 ms and no slower than 100k sealed; <= 60 MB once loaded; after the paint',
          sealed1m.newestRenderedMs <= 300 &&
            sealed1m.newestRenderedMs <= sealed100k.newestRenderedMs &&
            sealed1m.heapLoadedMb <= 60 &&
            codeAfterPaint(sealed1m),
        ),
        row(busy1m, 'room code (Yjs) after the paint', codeAfterPaint(busy1m)),
        ...[sealed100k, sealed1m].flatMap((f) =>
          f.pageBack
            ? [
                {
                  scenario: 'scroll back',
                  measure: `${fmt(f.messages)} stored messages (sealed room, the writer's device), paged back from the newest to the first, ${fmt(Math.round(f.pageBack.messages / f.pageBack.pages))} a page as the room view reads them: all pages; slowest page`,
                  value: `${fmt(f.pageBack.totalMs)} ms for ${fmt(f.pageBack.pages)} pages; ${f.pageBack.slowestPageMs} ms`,
                  target: 'report',
                },
              ]
            : [],
        ),
      ],
    };
  },
  bundle: () => {
    const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'error'], {
      cwd: root,
      stdio: 'inherit',
    });
    if (build.status !== 0) throw new Error('bundle: vite build failed');
    const f = bundleSize(join(root, 'dist'));
    const kb = (figure: BundleFigure): string => `${(figure.gzipBytes / 1024).toFixed(1)} KB`;
    const files = (figure: BundleFigure): string =>
      `${figure.files.length} file${figure.files.length === 1 ? '' : 's'}`;
    return Promise.resolve({
      raw: f,
      rows: [
        {
          scenario: 'bundle',
          measure: `gzip size of the JS of the first page load (${files(f)})`,
          value: kb(f),
          target: '<= 50 KB',
          met: f.gzipBytes <= 50 * 1024,
        },
        {
          scenario: 'bundle',
          measure: `gzip size of all the JS a room page loads: the first page and the lazy chunks a room open imports (${files(f.roomPage)})`,
          value: kb(f.roomPage),
          target: 'report',
          anchor: `not counted, loaded on demand: ${kb(f.onDemand)} (${Object.entries(ON_DEMAND)
            .map(([source, when]) => `${source} ${when}`)
            .join('; ')})`,
        },
      ],
    });
  },
};
