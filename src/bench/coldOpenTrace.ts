// `node --import tsx src/bench/coldOpenTrace.ts [messages] [trace.json | -] [--busy]`: one cold
// open with its Chromium performance trace written to a file (open it in DevTools'
// Performance panel) and the page's timeline printed: where the time to the first paint goes.
import { launchBrowser } from '../testkit/e2e/browser';
import { coldOpen } from './coldOpenBench';

const args = process.argv.slice(2);
const busy = args.includes('--busy');
const opens = Number(process.env.COLD_OPENS ?? '1');
const [count = '100000', trace = 'cold-open-trace.json'] = args.filter((a) => a !== '--busy');
const browser = await launchBrowser();
try {
  const figure = await coldOpen(browser, Number(count), 2_000, {
    busy,
    opens,
    ...(trace === '-' ? {} : { trace }),
    timeline: (entries) => {
      for (const e of entries) {
        console.log(
          `${String(e.startMs).padStart(6)} ${String(e.endMs).padStart(6)}  ${e.type.padEnd(10)} ${e.name}`,
        );
      }
    },
  });
  console.log(JSON.stringify(figure));
  if (trace !== '-') console.log(`trace written to ${trace}`);
} finally {
  await browser.close();
}
