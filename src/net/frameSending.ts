// How ChunkedDataChannel frames one message onto its outbox: whole, in CHUNK_BYTES parts, or
// deflate-raw compressed piece by piece while the compressor runs (frames.ts has the flags).
import { deflateRaw, deflateWhole } from './deflate';
import type { FrameOutbox } from './FrameOutbox';
import {
  CHUNK_BYTES,
  LAST,
  PART,
  SIDE_FIRST,
  SIDE_WHOLE,
  WHOLE,
  Z_FIRST,
  Z_SIDE_FIRST,
  Z_SIDE_WHOLE,
  Z_WHOLE,
  frame,
} from './frames';

/** A message waiting for a compression ahead of it. */
export interface Waiting {
  readonly bytes: Uint8Array;
  readonly side: boolean;
  /** Never changed once sent, and maybe sent on other channels too: compressed once. */
  readonly shared?: boolean;
}

/**
 * Compressed forms of shared messages, by message: a frame the mesh pushes to several
 * neighbours is compressed once, not once per link. (A compression cost 1.5 ms of CPU for 1 KB
 * and 2 ms for 16 KB in Node on a busy 2-core machine: most of it the compressor's setup.)
 * Kept as long as the message is.
 */
const compressedOnce = new WeakMap<Uint8Array, Promise<Uint8Array>>();

/**
 * Above this, a shared message is compressed as it streams, per channel: a large one is
 * rarely sent twice (a sync answer goes to one peer), and its first pieces go out sooner.
 */
const SHARED_MAX_BYTES = 4 * CHUNK_BYTES;

/** Frames a shared message compressed, with the compression made once for every channel. */
export async function sendCompressedShared(outbox: FrameOutbox, bytes: Uint8Array): Promise<void> {
  if (bytes.byteLength > SHARED_MAX_BYTES) return sendCompressed(outbox, { bytes, side: true });
  let compressed = compressedOnce.get(bytes);
  if (!compressed) {
    compressed = deflateWhole(bytes);
    compressedOnce.set(bytes, compressed);
  }
  let whole: Uint8Array;
  try {
    whole = await compressed;
  } catch (error) {
    console.error('MeshChat could not compress a message', error);
    sendPlain(outbox, bytes, true);
    return;
  }
  if (whole.byteLength <= CHUNK_BYTES) {
    outbox.queue(frame(Z_SIDE_WHOLE, whole));
    return;
  }
  for (let start = 0; start < whole.byteLength; start += CHUNK_BYTES) {
    const end = Math.min(start + CHUNK_BYTES, whole.byteLength);
    const flag = end === whole.byteLength ? LAST : start === 0 ? Z_SIDE_FIRST : PART;
    outbox.queue(frame(flag, whole, start, end));
  }
}

export function sendPlain(outbox: FrameOutbox, bytes: Uint8Array, side: boolean): void {
  const whole = side ? SIDE_WHOLE : WHOLE;
  if (bytes.byteLength <= CHUNK_BYTES) {
    outbox.queue(frame(whole, bytes));
    return;
  }
  for (let start = 0; start < bytes.byteLength; start += CHUNK_BYTES) {
    const end = Math.min(start + CHUNK_BYTES, bytes.byteLength);
    const flag = end === bytes.byteLength ? LAST : start === 0 && side ? SIDE_FIRST : PART;
    outbox.queue(frame(flag, bytes, start, end));
  }
}

/**
 * Compresses and frames one message, each frame queued as soon as the compressor has
 * produced it. The last full frame is held back until the next exists, so that the final
 * one can say LAST (or, for a short output, be one whole frame).
 */
export async function sendCompressed(outbox: FrameOutbox, { bytes, side }: Waiting): Promise<void> {
  let held: Uint8Array<ArrayBuffer> | undefined;
  let emitted = 0;
  const whole = side ? Z_SIDE_WHOLE : Z_WHOLE;
  const first = side ? Z_SIDE_FIRST : Z_FIRST;
  const emit = (piece: Uint8Array<ArrayBuffer>, last: boolean): void => {
    const start = last ? whole : first;
    const flag = emitted === 0 ? start : last ? LAST : PART;
    emitted += 1;
    outbox.queue(frame(flag, piece));
    outbox.pump();
  };
  let buffer = new Uint8Array(CHUNK_BYTES);
  let filled = 0;
  try {
    for await (const out of deflateRaw(bytes)) {
      for (let read = 0; read < out.byteLength;) {
        const take = Math.min(CHUNK_BYTES - filled, out.byteLength - read);
        buffer.set(out.subarray(read, read + take), filled);
        filled += take;
        read += take;
        if (filled === CHUNK_BYTES) {
          if (held) emit(held, false);
          held = buffer;
          buffer = new Uint8Array(CHUNK_BYTES);
          filled = 0;
        }
      }
    }
  } catch (error) {
    // The platform could not compress: nothing of it was sent unless a frame was.
    console.error('MeshChat could not compress a message', error);
    if (emitted === 0) sendPlain(outbox, bytes, side);
    return;
  }
  if (filled > 0) {
    if (held) emit(held, false);
    held = buffer.slice(0, filled);
  }
  emit(held ?? new Uint8Array(0), true);
}
