// `node --import tsx src/bench/coldOpenTrace.ts [messages] [trace.json | -] [--busy] [--single]`:
// one cold open (of the cached room, sealed unless --single) with its Chromium performance trace
// written to a file (open it in DevTools' Performance panel) and the page's timeline printed:
// where the time to the first paint goes, with the app's own steps (its `meshchat:` marks:
// the first module evaluated, storage open, identity and newest page read, app started). Run
// it inside the bench's network namespace (`unshare -n sh src/testing/netns.sh node --import
// tsx ...`): it uses a fixed port.
import { coldOpen } from './coldOpenBench';

const args = process.argv.slice(2);
const busy = args.includes('--busy');
const shape = args.includes('--single') ? 'single' : 'sealed';
const opens = Number(process.env.COLD_OPENS ?? '1');
const [count = '100000', trace = 'cold-open-trace.json'] = args.filter((a) => !a.startsWith('--'));
const figure = await coldOpen(Number(count), shape, 2_000, {
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
