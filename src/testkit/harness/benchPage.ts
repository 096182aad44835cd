// Benchmark scenarios that run inside a Chromium page (bundled with the e2e harness).
import * as Y from 'yjs';
import { Identity } from '../../identity/Identity';
import { MemoryKeyStore } from '../../identity/MemoryKeyStore';
import { Verifier } from '../../identity/Verifier';
import { YjsEventLog } from '../../log/YjsEventLog';

/** Milliseconds for each consecutive slice of `total` operations, `slice` at a time. */
interface AppendFigure {
  readonly totalMs: number;
  readonly firstSliceMs: number;
  readonly lastSliceMs: number;
}

/** The anchor: a plain single Y.Array, one push (and transaction) per call. */
function plainArrayAppend(total: number, slice: number): AppendFigure {
  const doc = new Y.Doc();
  const array = doc.getArray<unknown>('messages');
  const marks: number[] = [];
  const started = performance.now();
  for (let i = 0; i < total; i += 1) {
    if (i % slice === 0) marks.push(performance.now());
    array.push([{ u: 'user', t: Date.now(), m: `message number ${i}` }]);
  }
  const ended = performance.now();
  marks.push(ended);
  doc.destroy();
  return {
    totalMs: ended - started,
    firstSliceMs: (marks[1] ?? ended) - (marks[0] ?? started),
    lastSliceMs: ended - (marks.at(-2) ?? started),
  };
}

/**
 * The product: YjsEventLog.append, one call per message. Each slice of `slice` appends is
 * timed from its first call until the log has reported all of them, so slices compare like
 * the anchor's (a slice's cost includes its signing and writing).
 */
async function logAppend(total: number, slice: number): Promise<AppendFigure> {
  const identity = await Identity.loadOrCreate(new MemoryKeyStore());
  const doc = new Y.Doc();
  const log = new YjsEventLog({ doc, roomId: 'bench', signer: identity, verifier: new Verifier() });
  let reported = 0;
  let wake: (() => void) | undefined;
  log.observe((entries) => {
    reported += entries.length;
    wake?.();
  });
  const sliceMs: number[] = [];
  const started = performance.now();
  for (let sent = 0; sent < total;) {
    const sliceStart = performance.now();
    const end = Math.min(total, sent + slice);
    for (; sent < end; sent += 1) log.append(identity.userId, `message number ${sent}`);
    while (reported < end) await new Promise<void>((resolve) => (wake = resolve));
    sliceMs.push(performance.now() - sliceStart);
  }
  const ended = performance.now();
  log.destroy();
  doc.destroy();
  return {
    totalMs: ended - started,
    firstSliceMs: sliceMs[0] ?? 0,
    lastSliceMs: sliceMs.at(-1) ?? 0,
  };
}

const bench = {
  plainArrayAppend,
  logAppend,
};

declare global {
  interface Window {
    bench: typeof bench;
  }
}
window.bench = bench;
