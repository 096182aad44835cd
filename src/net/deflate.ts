/**
 * Streaming deflate-raw for data-channel messages, with the platform's CompressionStream and
 * DecompressionStream (browsers, and Node 20 for the Node peers): no dependency. A room's Yjs
 * state repeats user ids, batch ids and field names, so it shrinks several times over.
 *
 * Both directions work slice by slice, so a large message is compressed while its first
 * pieces are already on the wire, and inflated while its last pieces are still arriving.
 */

const FORMAT = 'deflate-raw';
/** Input handed to the compressor at a time: small enough that its output starts flowing. */
const DEFLATE_SLICE_BYTES = 256 * 1024;

/** The compressed output of a message would inflate past the receiver's limit. */
export class InflatedTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`compressed message inflates past ${limit} bytes`);
    this.name = 'InflatedTooLarge';
  }
}

/**
 * Compresses `bytes`, yielding the compressed stream in the pieces the compressor produces
 * (concatenated, they are one deflate-raw stream).
 */
export async function* deflateRaw(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  const stream = new CompressionStream(FORMAT);
  const writer = stream.writable.getWriter();
  // Fed while the output is read: the writer waits on the reader through backpressure.
  const feeding = (async () => {
    for (let start = 0; start < bytes.byteLength; start += DEFLATE_SLICE_BYTES) {
      await writer.write(bytes.slice(start, start + DEFLATE_SLICE_BYTES));
    }
    await writer.close();
  })();
  // Surfaced through the reader below; this catch only keeps it from being unhandled.
  feeding.catch(() => undefined);
  const reader = stream.readable.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      yield value;
    }
    await feeding;
  } finally {
    reader.releaseLock();
  }
}

/**
 * Inflates one deflate-raw stream given piece by piece; `end()` resolves with the whole
 * message. Output past `maxBytes` aborts it (a small hostile message must not inflate into
 * gigabytes), and so does a stream that is not valid deflate-raw.
 */
export class Inflater {
  private readonly writer: WritableStreamDefaultWriter<BufferSource>;
  private readonly result: Promise<Uint8Array>;
  private failed = false;

  constructor(private readonly maxBytes: number) {
    const stream = new DecompressionStream(FORMAT);
    this.writer = stream.writable.getWriter();
    this.result = this.collect(stream.readable.getReader());
    // Read by end(); a message abandoned before its end must not leave a rejection unhandled.
    this.result.catch(() => undefined);
  }

  /** Adds the next piece of the compressed stream. */
  push(piece: Uint8Array<ArrayBuffer>): void {
    if (this.failed) return;
    this.writer.write(piece).catch(() => undefined);
  }

  /** Ends the stream: resolves with the inflated message, or rejects. */
  end(): Promise<Uint8Array> {
    if (!this.failed) this.writer.close().catch(() => undefined);
    return this.result;
  }

  /** Drops the message (the channel closed, or the sender broke the framing). */
  abort(): void {
    this.failed = true;
    this.writer.abort().catch(() => undefined);
  }

  private async collect(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let total = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
        if (total > this.maxBytes) {
          this.abort();
          await reader.cancel().catch(() => undefined);
          throw new InflatedTooLarge(this.maxBytes);
        }
        parts.push(value);
      }
    } catch (error) {
      this.failed = true;
      throw error;
    }
    return concatBytes(parts, total);
  }
}

/** Joins byte arrays into one of `total` bytes (their summed length). */
export function concatBytes(
  parts: readonly Uint8Array[],
  total = parts.reduce((sum, part) => sum + part.byteLength, 0),
): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

/** `bytes` deflate-raw compressed, in one array. */
export async function deflateWhole(bytes: Uint8Array): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const part of deflateRaw(bytes)) parts.push(part);
  return concatBytes(parts);
}

/** Sealed segments on the wire (src/log/Seals.ts): deflate-raw, inflated to at most their size. */
export const segmentPacking = {
  pack: deflateWhole,
  unpack(bytes: Uint8Array, maxBytes: number): Promise<Uint8Array> {
    const inflater = new Inflater(maxBytes);
    inflater.push(new Uint8Array(bytes));
    return inflater.end();
  },
};
