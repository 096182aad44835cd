import type { BenchRig } from './webrtcBench';
import { round } from './stats';

/** Signing and verification rates in Chromium, per second. */
export interface SignVerifyRates {
  readonly messages: number;
  readonly users: number;
  readonly signPerSec: number;
  /** Each verify awaited before the next, keys cached (how a batch is checked). */
  readonly verifyAwaitedPerSec: number;
  /** All verifies started at once, keys cached. */
  readonly verifyConcurrentPerSec: number;
  /** A new Verifier for every verify: the public key imported each time. */
  readonly verifyUncachedPerSec: number;
  readonly uncached: number;
  /** Signatures that checked out, of `2 * messages`. */
  readonly valid: number;
  /** Key imports of the concurrent run: one per user when the key cache works. */
  readonly imports: number;
}

/**
 * Ed25519 sign and verify of ~100-byte messages from four users, in a page of the bench
 * browser (src/testkit/harness/benchPage.ts): the rates the log's batch signatures live with.
 */
export async function signVerify(
  rig: BenchRig,
  messages: number,
  uncached = Math.max(1, Math.round(messages / 10)),
): Promise<SignVerifyRates> {
  const context = await rig.browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(rig.url);
    const f = await page.evaluate(([n, u]) => window.bench.signVerify(n, u), [
      messages,
      uncached,
    ] as const);
    const rate = (count: number, ms: number): number =>
      round((count / Math.max(ms, 0.001)) * 1000, 0);
    return {
      messages,
      users: 4,
      signPerSec: rate(messages, f.signMs),
      verifyAwaitedPerSec: rate(messages, f.verifyAwaitedMs),
      verifyConcurrentPerSec: rate(messages, f.verifyConcurrentMs),
      verifyUncachedPerSec: rate(uncached, f.verifyUncachedMs),
      uncached,
      valid: f.valid,
      imports: f.imports,
    };
  } finally {
    await context.close();
  }
}
