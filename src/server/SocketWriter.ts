/**
 * Writes relayed frames to a TCP socket's file descriptor directly when nothing waits in Node
 * for that socket, and through the stream otherwise.
 *
 * Why: a frame written through the stream costs, per recipient, a Writable.write, a write
 * request object, an after-write callback and the stream's bookkeeping: more user time than
 * the write(2) itself. A signaling server writes each frame to every member of a room, so that
 * overhead is paid once per delivery. Writing the prebuilt bytes with one write(2) on the
 * (non-blocking) descriptor skips all of it.
 *
 * Order and accounting stay those of the stream:
 * - the direct path is taken only when the stream holds nothing (no queued bytes, no pending
 *   write request, not corked), so a direct write can never overtake bytes written earlier;
 * - when the kernel takes only part of a frame (its send buffer is full) or none (EAGAIN), the
 *   rest goes to the stream, which then holds bytes: every later frame queues behind them
 *   until the stream has drained, exactly as a stream write that met a full buffer would;
 * - bytes the kernel took are the reader's, as with the stream (which also hands the kernel all
 *   it takes at once); bytes the stream holds show in its writableLength, which is what the
 *   slow-reader limits read.
 * Any other error (the peer is gone) hands the frame to the stream too, which meets the same
 * error on its own path and closes the socket the usual way.
 */
import { writeSync, writevSync } from 'node:fs';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** What Node keeps of a TCP socket's libuv handle (internal, but stable since Node 0.x). */
interface StreamHandle {
  readonly fd?: number;
  readonly writeQueueSize?: number;
}

/** The internal field of net.Socket that holds its handle (null once the socket is closed). */
interface HandleCarrier {
  readonly _handle: StreamHandle | null;
}

/** Counts of how frames left, for tests and metrics. */
export interface WriteCounts {
  /** Frames (or frame batches) the kernel took whole from a direct write. */
  direct: number;
  /** Writes that went to the stream: something was queued, or the kernel took only part. */
  streamed: number;
}

/** Writes frames to one socket; see the file comment. */
export class SocketWriter {
  readonly #stream: Duplex;
  /** The handle whose descriptor is written to; null when the socket has none usable (TLS). */
  readonly #handle: StreamHandle | null;
  readonly #fd: number;
  // Plain fields rather than a counts object: one object less for every connection.
  #directWrites = 0;
  #streamedWrites = 0;

  constructor(stream: Duplex) {
    this.#stream = stream;
    const handle = directHandle(stream);
    this.#handle = handle;
    this.#fd = handle?.fd ?? -1;
  }

  /** How frames have left so far. */
  get counts(): WriteCounts {
    return { direct: this.#directWrites, streamed: this.#streamedWrites };
  }

  /** Whether a direct write may go now: the socket is open and Node holds nothing for it. */
  #direct(): boolean {
    const stream = this.#stream;
    const handle = this.#handle;
    return (
      handle !== null &&
      // The same handle still open: once closed, its descriptor number may belong to another
      // socket, which must never receive this one's frames.
      (stream as unknown as HandleCarrier)._handle === handle &&
      stream.writable &&
      stream.writableLength === 0 &&
      stream.writableCorked === 0 &&
      (handle.writeQueueSize ?? 1) === 0
    );
  }

  /** Writes one frame. */
  write(frame: Buffer): void {
    if (!this.#direct()) {
      this.#streamedWrites += 1;
      this.#stream.write(frame);
      return;
    }
    let written = 0;
    try {
      written = writeSync(this.#fd, frame);
    } catch {
      // As in writeAll.
    }
    if (written === frame.length) {
      this.#directWrites += 1;
      return;
    }
    this.#streamedWrites += 1;
    this.#stream.write(written === 0 ? frame : frame.subarray(written));
  }

  /** Writes several frames in order, in one writev(2) when they go directly. */
  writeAll(frames: readonly Buffer[]): void {
    if (!this.#direct()) {
      this.#streamAll(frames, 0, 0);
      return;
    }
    let written = 0;
    try {
      written = writevSync(this.#fd, frames);
    } catch {
      // EAGAIN: the send buffer is full, the stream waits for room. Anything else (EPIPE,
      // ECONNRESET): the stream's own write meets it and closes the socket as usual.
    }
    let total = 0;
    for (const frame of frames) total += frame.length;
    if (written === total) {
      this.#directWrites += 1;
      return;
    }
    // Skip what the kernel took: whole frames, then part of one.
    let index = 0;
    let left = written;
    while (left >= (frames[index] as Buffer).length) {
      left -= (frames[index] as Buffer).length;
      index += 1;
    }
    this.#streamAll(frames, index, left);
  }

  /** Hands frames[index] from byte `offset` on, and every later frame, to the stream. */
  #streamAll(frames: readonly Buffer[], index: number, offset: number): void {
    this.#streamedWrites += 1;
    const stream = this.#stream;
    // Corked, the stream hands them to the kernel in one writev(2) at uncork, by reference:
    // the frames stay shared with the room's other readers.
    stream.cork();
    for (let i = index; i < frames.length; i += 1) {
      const frame = frames[i] as Buffer;
      stream.write(i === index && offset > 0 ? frame.subarray(offset) : frame);
    }
    stream.uncork();
  }
}

/**
 * The handle of a plain TCP socket with a descriptor, or null (TLS, pipes, test doubles).
 * TLS is recognised by the `encrypted` flag every TLSSocket carries, not by importing node:tls
 * for its class: an ES import of a built-in reads all of its exports, and node:tls's
 * `rootCertificates` then parses some 140 certificates the server never uses.
 */
function directHandle(stream: Duplex): StreamHandle | null {
  if (!(stream instanceof Socket) || (stream as { encrypted?: unknown }).encrypted === true) {
    return null;
  }
  const handle = (stream as unknown as HandleCarrier)._handle;
  if (handle === null || typeof handle.fd !== 'number' || handle.fd <= 0) return null;
  if (typeof handle.writeQueueSize !== 'number') return null;
  return handle;
}
