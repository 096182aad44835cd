// SHA-256 (FIPS 180-4) for the log's hot path. Every append hashes its entry (the hash is its
// id) and a reader hashes every entry it checks, 100,000 of them for a large room; entries are
// short (two 64-byte blocks for a typical message). @noble/hashes allocates a hasher, a buffer
// and a view per call and is about half as fast at this size; this one reuses its working
// arrays and allocates only the digest. Checked against @noble/hashes and WebCrypto in
// sha256.test.ts, at every length across the padding boundaries.
//
// The words are kept in Int32Arrays: a Uint32Array element above 2^31 is read as a double, and
// every round then works on doubles; int32 words keep the rounds in integer registers (a third
// faster at this size).

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const INITIAL = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);
const W = new Int32Array(64);
const H = new Int32Array(8);

/** Compresses the 64-byte block of `bytes` at `at` into H. */
function block(bytes: Uint8Array, at: number): void {
  for (let i = 0; i < 16; i += 1) {
    const j = at + i * 4;
    W[i] =
      ((bytes[j] ?? 0) << 24) |
      ((bytes[j + 1] ?? 0) << 16) |
      ((bytes[j + 2] ?? 0) << 8) |
      (bytes[j + 3] ?? 0);
  }
  for (let i = 16; i < 64; i += 1) {
    const w15 = W[i - 15] ?? 0;
    const w2 = W[i - 2] ?? 0;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    W[i] = ((W[i - 16] ?? 0) + s0 + (W[i - 7] ?? 0) + s1) | 0;
  }
  let a = H[0] ?? 0;
  let b = H[1] ?? 0;
  let c = H[2] ?? 0;
  let d = H[3] ?? 0;
  let e = H[4] ?? 0;
  let f = H[5] ?? 0;
  let g = H[6] ?? 0;
  let h = H[7] ?? 0;
  for (let i = 0; i < 64; i += 1) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + (K[i] ?? 0) + (W[i] ?? 0)) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  H[0] = (H[0] ?? 0) + a;
  H[1] = (H[1] ?? 0) + b;
  H[2] = (H[2] ?? 0) + c;
  H[3] = (H[3] ?? 0) + d;
  H[4] = (H[4] ?? 0) + e;
  H[5] = (H[5] ?? 0) + f;
  H[6] = (H[6] ?? 0) + g;
  H[7] = (H[7] ?? 0) + h;
}

/** The final one or two blocks: the tail of the input, 0x80, zeros, the length in bits. */
const tail = new Uint8Array(128);

/** The SHA-256 digest of `bytes` (32 bytes). */
export function sha256(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(32);
  sha256Into(bytes, bytes.length, out, 0);
  return out;
}

/**
 * Writes the SHA-256 digest of the first `length` bytes of `bytes` into `out` at `at`: a
 * writer hashing its appends puts each digest straight where its batch needs it, and a scratch
 * buffer needs no view cut to its length.
 */
export function sha256Into(bytes: Uint8Array, length: number, out: Uint8Array, at: number): void {
  H.set(INITIAL);
  const whole = length - (length % 64);
  for (let from = 0; from < whole; from += 64) block(bytes, from);
  const rest = length - whole;
  const tailLength = rest < 56 ? 64 : 128;
  tail.fill(0);
  for (let i = 0; i < rest; i += 1) tail[i] = bytes[whole + i] ?? 0;
  tail[rest] = 0x80;
  // The length in bits, big-endian over the last 8 bytes (inputs stay far below 2^53 bits).
  const bits = length * 8;
  const high = Math.floor(bits / 0x100000000);
  for (let i = 0; i < 4; i += 1) {
    tail[tailLength - 8 + i] = (high >>> (24 - i * 8)) & 0xff;
    tail[tailLength - 4 + i] = (bits >>> (24 - i * 8)) & 0xff;
  }
  block(tail, 0);
  if (tailLength === 128) block(tail, 64);
  for (let i = 0; i < 8; i += 1) {
    const v = H[i] ?? 0;
    out[at + i * 4] = v >>> 24;
    out[at + i * 4 + 1] = (v >>> 16) & 0xff;
    out[at + i * 4 + 2] = (v >>> 8) & 0xff;
    out[at + i * 4 + 3] = v & 0xff;
  }
}
