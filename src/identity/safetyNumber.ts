// Numbers people can read to each other to check that they see the same keys: a key tag can
// be matched by generating keys, a 60-digit number taken over the whole key cannot.
import { publicKeyBytes, type UserId } from './UserId';

const encoder = new TextEncoder();

/** 60 digits in 12 groups of 5, from the first 60 bytes of a SHA-512 (5 bytes per group). */
async function digitsOf(label: string, keys: readonly Uint8Array[]): Promise<string> {
  const prefix = encoder.encode(label);
  const input = new Uint8Array(prefix.byteLength + keys.reduce((n, k) => n + k.byteLength, 0));
  input.set(prefix);
  let offset = prefix.byteLength;
  for (const key of keys) {
    input.set(key, offset);
    offset += key.byteLength;
  }
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-512', input));
  const groups: string[] = [];
  for (let group = 0; group < 12; group += 1) {
    let value = 0;
    for (const byte of hash.subarray(group * 5, group * 5 + 5)) value = value * 256 + byte;
    groups.push(String(value % 100_000).padStart(5, '0'));
  }
  return groups.join(' ');
}

/**
 * One user's whole key as 60 digits (12 groups of 5), the same on every device: what a
 * participant list shows so that two people can compare the key behind a name.
 */
export function keyDigits(userId: UserId): Promise<string> {
  return digitsOf('meshchat-key/1', [publicKeyBytes(userId)]);
}

/**
 * The safety number of two users: 60 digits both compute alike (the keys are taken in a
 * fixed order), to be compared in person or over another channel. Equal numbers mean each
 * sees the other's real key.
 */
export function safetyNumber(a: UserId, b: UserId): Promise<string> {
  const [first, second] = [a, b].sort();
  return digitsOf('meshchat-safety/1', [
    publicKeyBytes(first as UserId),
    publicKeyBytes(second as UserId),
  ]);
}
