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

/** Sign and verify times for ~100-byte messages from a few users (one Chromium, one tab). */
interface SignVerifyFigure {
  readonly signMs: number;
  /** Each verify awaited before the next, keys cached. */
  readonly verifyAwaitedMs: number;
  /** All verifies started at once, keys cached. */
  readonly verifyConcurrentMs: number;
  /** `uncached` verifies, each with a new Verifier (the key imported every time). */
  readonly verifyUncachedMs: number;
  /** How many signatures checked out, of `count` (awaited) and `count` (at once). */
  readonly valid: number;
  /** Public key imports the concurrent Verifier made: one per user when the cache works. */
  readonly imports: number;
}

async function signVerify(count: number, uncached: number, users = 4): Promise<SignVerifyFigure> {
  const identities = await Promise.all(
    Array.from({ length: users }, () => Identity.loadOrCreate(new MemoryKeyStore())),
  );
  const author = (i: number): Identity => identities[i % users] as Identity;
  const messages = Array.from({ length: count }, (_, i) =>
    new TextEncoder().encode(
      `{"id":"${i}","chatroomId":"room","type":"message","text":"${'x'.repeat(48)}"}`,
    ),
  );
  const message = (i: number): Uint8Array => messages[i] as Uint8Array;
  let started = performance.now();
  const signatures: Uint8Array[] = [];
  for (let i = 0; i < count; i += 1) signatures.push(await author(i).sign(message(i)));
  const signMs = performance.now() - started;
  const verify = (verifier: Verifier, i: number): Promise<boolean> =>
    verifier.verify(author(i).userId, message(i), signatures[i] as Uint8Array);

  const awaited = new Verifier();
  let valid = 0;
  started = performance.now();
  for (let i = 0; i < count; i += 1) if (await verify(awaited, i)) valid += 1;
  const verifyAwaitedMs = performance.now() - started;

  const concurrent = new Verifier();
  started = performance.now();
  const results = await Promise.all(messages.map((_, i) => verify(concurrent, i)));
  const verifyConcurrentMs = performance.now() - started;
  valid += results.filter(Boolean).length;

  started = performance.now();
  for (let i = 0; i < uncached; i += 1) await verify(new Verifier(), i % count);
  const verifyUncachedMs = performance.now() - started;
  return {
    signMs,
    verifyAwaitedMs,
    verifyConcurrentMs,
    verifyUncachedMs,
    valid,
    imports: concurrent.stats().imports,
  };
}

const bench = {
  plainArrayAppend,
  logAppend,
  signVerify,
};

declare global {
  interface Window {
    bench: typeof bench;
  }
}
window.bench = bench;
