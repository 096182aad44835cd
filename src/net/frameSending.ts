// How ChunkedDataChannel frames one message onto its outbox: whole, in CHUNK_BYTES parts, or
// deflate-raw compressed, in slices that let the event loop turn (frames.ts has the flags).
import { concatBytes, deflateRaw, deflateWhole } from './deflate';
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
import { TaskSlicer } from './nextTask';

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

/** Compression work done in one task at most (ms) before frames that arrived are read. */
const COMPRESS_SLICE_MS = 8;

/**
 * Compresses and frames one message. The compressor runs in slices of COMPRESS_SLICE_MS
 * that let the event loop turn (it starts after one turn too): a peer's requests that arrive
 * while a large sync answer is compressed are read, and answered, meanwhile. The frames are
 * queued together once the message is compressed, so the outbox never holds part of a
 * message and an urgent side message may be queued at any time between slices.
 */
export async function sendCompressed(outbox: FrameOutbox, { bytes, side }: Waiting): Promise<void> {
  const slicer = new TaskSlicer(COMPRESS_SLICE_MS);
  const parts: Uint8Array[] = [];
  try {
    await slicer.yield();
    for await (const out of deflateRaw(bytes)) {
      parts.push(out);
      if (slicer.due()) await slicer.yield();
    }
  } catch (error) {
    // The platform could not compress: the message goes as it is.
    console.error('MeshChat could not compress a message', error);
    sendPlain(outbox, bytes, side);
    return;
  }
  const whole = concatBytes(parts);
  if (whole.byteLength <= CHUNK_BYTES) {
    outbox.queue(frame(side ? Z_SIDE_WHOLE : Z_WHOLE, whole));
    return;
  }
  const first = side ? Z_SIDE_FIRST : Z_FIRST;
  for (let start = 0; start < whole.byteLength; start += CHUNK_BYTES) {
    const end = Math.min(start + CHUNK_BYTES, whole.byteLength);
    const flag = end === whole.byteLength ? LAST : start === 0 ? first : PART;
    outbox.queue(frame(flag, whole, start, end));
  }
}
