// Prints how fast this browser signs and verifies; informative only, nothing is asserted on time.
import { expect } from '@esm-bundle/chai';
import { Identity } from './Identity';
import { MemoryKeyStore } from './MemoryKeyStore';
import { Verifier } from './Verifier';

const perSecond = (count: number, ms: number): number => Math.round((count / ms) * 1000);

describe('Verifier throughput (printed, not asserted)', () => {
  it('measures sign and verify rates for ~100-byte messages from a few users', async () => {
    const users = await Promise.all(
      Array.from({ length: 4 }, () => Identity.loadOrCreate(new MemoryKeyStore())),
    );
    const count = 10_000;
    const messages = Array.from({ length: count }, (_, i) =>
      new TextEncoder().encode(
        `{"id":"${i}","chatroomId":"room","type":"message","text":"${'x'.repeat(48)}"}`,
      ),
    );

    let start = performance.now();
    const signatures: Uint8Array[] = [];
    for (let i = 0; i < count; i += 1) {
      signatures.push(await (users[i % users.length] as Identity).sign(messages[i] as Uint8Array));
    }
    const signMs = performance.now() - start;

    const verify = (verifier: Verifier, i: number): Promise<boolean> =>
      verifier.verify(
        (users[i % users.length] as Identity).userId,
        messages[i] as Uint8Array,
        signatures[i] as Uint8Array,
      );

    const sequential = new Verifier();
    start = performance.now();
    let valid = 0;
    for (let i = 0; i < count; i += 1) if (await verify(sequential, i)) valid += 1;
    const sequentialMs = performance.now() - start;

    const concurrent = new Verifier();
    start = performance.now();
    const results = await Promise.all(messages.map((_, i) => verify(concurrent, i)));
    const concurrentMs = performance.now() - start;

    const uncachedCount = 1000;
    start = performance.now();
    for (let i = 0; i < uncachedCount; i += 1) await verify(new Verifier(), i);
    const uncachedMs = performance.now() - start;

    console.log(
      `[identity speed] ${count} msgs, ${users.length} users, ${navigator.userAgent}\n` +
        `  sign:                 ${perSecond(count, signMs)}/s\n` +
        `  verify, awaited each: ${perSecond(count, sequentialMs)}/s\n` +
        `  verify, all at once:  ${perSecond(count, concurrentMs)}/s\n` +
        `  verify, no key cache: ${perSecond(uncachedCount, uncachedMs)}/s (import every time)`,
    );
    expect(valid).to.equal(count);
    expect(results.every(Boolean)).to.equal(true);
    expect(concurrent.stats().imports).to.equal(users.length);
  });
});
