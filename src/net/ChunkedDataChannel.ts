/**
 * A data channel that carries messages of any size. Stock y-webrtc hands whole sync messages to
 * RTCDataChannel.send, which throws above the SCTP message limit (256 KiB in Chromium), and
 * y-webrtc swallows the error: a big room then never syncs. This wrapper splits every message
 * into frames of at most CHUNK_BYTES, queues them so the browser's send buffer never overflows,
 * and reassembles them on the other side. Both peers must use it (this app's peers do).
 *
 * Frame: one flag byte, then payload. WHOLE: a message in one frame. PART: a piece, more
 * follow. LAST: the final piece. Channels are reliable and ordered, and a message's frames are
 * queued together, so pieces arrive in order and never interleave with another message's.
 * SIDE_WHOLE / SIDE_FIRST start a side message instead (this app's own traffic beside
 * y-webrtc's: it goes to `onside`, never to y-webrtc); a SIDE_FIRST continues with PART/LAST.
 */

const WHOLE = 0;
const PART = 1;
const LAST = 2;
const SIDE_WHOLE = 3;
const SIDE_FIRST = 4;
/** Payload bytes per frame: far below every browser's limit. */
export const CHUNK_BYTES = 64 * 1024;
/** Frames are handed to the browser while its buffer holds less than this. */
const HIGH_WATER_BYTES = 4 * 1024 * 1024;
/** A message larger than this is discarded on arrival (a hostile or broken peer). */
export const DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

type Handler = ((event: unknown) => void) | null;

/** Counters a channel keeps about malformed input it dropped. */
export interface ChunkStats {
  malformedFrames: number;
  oversizedMessages: number;
  /** Bytes received on the wire, frames included. */
  bytesReceived: number;
  /** Messages whose handler threw (y-webrtc throws on a message it cannot decode). */
  rejectedMessages: number;
}

export class ChunkedDataChannel {
  onmessage: Handler = null;
  onopen: Handler = null;
  onclose: Handler = null;
  onerror: Handler = null;
  onbufferedamountlow: Handler = null;
  /** Receives side messages (see sendSide). */
  onside: ((data: Uint8Array) => void) | null = null;
  readonly stats: ChunkStats = {
    malformedFrames: 0,
    oversizedMessages: 0,
    bytesReceived: 0,
    rejectedMessages: 0,
  };
  private readonly outbox: Uint8Array<ArrayBuffer>[] = [];
  private outboxHead = 0;
  private outboxBytes = 0;
  private parts: Uint8Array[] = [];
  private partBytes = 0;
  private discarding = false;
  private partsAreSide = false;
  private lowThreshold = 0;

  constructor(
    private readonly channel: RTCDataChannel,
    private readonly maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES,
  ) {
    channel.binaryType = 'arraybuffer';
    channel.bufferedAmountLowThreshold = HIGH_WATER_BYTES / 4;
    channel.onmessage = (event: MessageEvent) => this.receive(event.data);
    channel.onopen = (event) => this.onopen?.(event);
    channel.onclose = (event) => this.onclose?.(event);
    channel.onerror = (event) => this.onerror?.(event);
    channel.onbufferedamountlow = () => {
      this.pump();
      if (this.bufferedAmount <= this.lowThreshold) this.onbufferedamountlow?.({});
    };
  }

  get label(): string {
    return this.channel.label;
  }

  get readyState(): RTCDataChannelState {
    return this.channel.readyState;
  }

  get id(): number | null {
    return this.channel.id;
  }

  /** Bytes not yet sent: the browser's buffer plus this wrapper's queue. */
  get bufferedAmount(): number {
    return this.channel.bufferedAmount + this.outboxBytes;
  }

  get bufferedAmountLowThreshold(): number {
    return this.lowThreshold;
  }

  set bufferedAmountLowThreshold(value: number) {
    this.lowThreshold = value;
  }

  /** Always 'arraybuffer': messages are delivered as ArrayBuffers. */
  get binaryType(): BinaryType {
    return 'arraybuffer';
  }

  set binaryType(_value: BinaryType) {
    // Frames must be read as bytes; the delivered messages are ArrayBuffers either way.
  }

  send(data: string | ArrayBuffer | ArrayBufferView): void {
    this.sendFramed(toBytes(data), WHOLE, PART);
  }

  /** Sends a side message: the other end's `onside` receives it; y-webrtc never sees it. */
  sendSide(data: Uint8Array): void {
    this.sendFramed(data, SIDE_WHOLE, SIDE_FIRST);
  }

  private sendFramed(bytes: Uint8Array, whole: number, first: number): void {
    if (this.channel.readyState !== 'open') {
      throw new DOMException(`data channel is ${this.channel.readyState}`, 'InvalidStateError');
    }
    if (bytes.byteLength <= CHUNK_BYTES) {
      this.queue(frame(whole, bytes, 0, bytes.byteLength));
    } else {
      for (let start = 0; start < bytes.byteLength; start += CHUNK_BYTES) {
        const end = Math.min(start + CHUNK_BYTES, bytes.byteLength);
        const flag = end === bytes.byteLength ? LAST : start === 0 ? first : PART;
        this.queue(frame(flag, bytes, start, end));
      }
    }
    this.pump();
  }

  close(): void {
    this.outbox.length = 0;
    this.outboxHead = 0;
    this.outboxBytes = 0;
    this.channel.close();
  }

  private queue(framed: Uint8Array<ArrayBuffer>): void {
    this.outbox.push(framed);
    this.outboxBytes += framed.byteLength;
  }

  private pump(): void {
    while (this.outboxHead < this.outbox.length && this.channel.readyState === 'open') {
      if (this.channel.bufferedAmount >= HIGH_WATER_BYTES) return;
      const next = this.outbox[this.outboxHead] as Uint8Array<ArrayBuffer>;
      this.outbox[this.outboxHead] = EMPTY;
      this.outboxHead += 1;
      this.outboxBytes -= next.byteLength;
      this.channel.send(next);
    }
    if (this.outboxHead === this.outbox.length) {
      this.outbox.length = 0;
      this.outboxHead = 0;
    }
  }

  private receive(data: unknown): void {
    if (!(data instanceof ArrayBuffer) || data.byteLength === 0) {
      this.stats.malformedFrames += 1;
      return;
    }
    this.stats.bytesReceived += data.byteLength;
    const bytes = new Uint8Array(data);
    const flag = bytes[0];
    const payload = bytes.subarray(1);
    if (flag === WHOLE || flag === SIDE_WHOLE) {
      if (this.parts.length > 0 || this.discarding) this.stats.malformedFrames += 1;
      this.resetParts();
      this.deliver(payload, flag === SIDE_WHOLE);
    } else if (flag === PART || flag === LAST || flag === SIDE_FIRST) {
      if (flag === SIDE_FIRST) {
        if (this.parts.length > 0 || this.discarding) this.stats.malformedFrames += 1;
        this.resetParts();
        this.partsAreSide = true;
      }
      if (!this.discarding) {
        this.partBytes += payload.byteLength;
        if (this.partBytes > this.maxMessageBytes) {
          this.stats.oversizedMessages += 1;
          this.parts = [];
          this.discarding = true;
        } else {
          this.parts.push(payload);
        }
      }
      if (flag === LAST) {
        const parts = this.parts;
        const wasDiscarding = this.discarding;
        const side = this.partsAreSide;
        this.resetParts();
        if (!wasDiscarding) this.deliver(concat(parts), side);
      }
    } else {
      this.stats.malformedFrames += 1;
    }
  }

  private resetParts(): void {
    this.parts = [];
    this.partBytes = 0;
    this.discarding = false;
    this.partsAreSide = false;
  }

  private deliver(payload: Uint8Array, side = false): void {
    // One peer's undecodable message must not take down the tab (or a Node process).
    try {
      if (side) this.onside?.(payload.slice());
      else this.onmessage?.({ data: payload.slice().buffer });
    } catch {
      this.stats.rejectedMessages += 1;
    }
  }
}

const EMPTY: Uint8Array<ArrayBuffer> = new Uint8Array(0);
const textEncoder = new TextEncoder();

function toBytes(data: string | ArrayBuffer | ArrayBufferView): Uint8Array {
  if (typeof data === 'string') return textEncoder.encode(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError('ChunkedDataChannel.send takes a string, an ArrayBuffer or a typed array');
}

function frame(
  flag: number,
  bytes: Uint8Array,
  start: number,
  end: number,
): Uint8Array<ArrayBuffer> {
  const framed = new Uint8Array(1 + end - start);
  framed[0] = flag;
  framed.set(bytes.subarray(start, end), 1);
  return framed;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((sum, part) => sum + part.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}
