import { FrameOutbox } from './FrameOutbox';
import { FrameReader, type FrameStats } from './FrameReader';
import { SyncPieces } from './syncPieces';
import { sendCompressed, sendCompressedShared, sendPlain, type Waiting } from './frameSending';
import { COMPRESS_MIN_BYTES, HELLO_FRAME } from './frames';

/**
 * A data channel that carries messages of any size, large ones compressed. Stock y-webrtc
 * hands whole sync messages to RTCDataChannel.send, which throws above the SCTP message limit
 * (256 KiB in Chromium), and y-webrtc swallows the error: a big room then never syncs. This
 * wrapper splits every message into frames of at most CHUNK_BYTES, queues them so the
 * browser's send buffer never overflows (FrameOutbox), and reassembles them on the other side
 * (FrameReader).
 * Both peers must use it (this app's peers do); a peer that does not is refused (frames.ts).
 *
 * Messages of COMPRESS_MIN_BYTES or more (a sync reply, a preview) are sent deflate-raw
 * compressed, in slices that let the event loop turn, so what the peer sends meanwhile is
 * read (frameSending.ts). Small ones go out at once, unless a compressed one is still being
 * made: then they wait behind it, so order is kept.
 * Channels are reliable and ordered, and a message's frames are queued together, so pieces
 * arrive in order and never interleave with another message's.
 *
 * Side messages sent as `urgent` (file chunks: a segment a newcomer waits for) are never
 * compressed (their bytes are compressed already) and go out at once, ahead of the messages
 * being compressed or waiting for a compression, among themselves in order: a newcomer's
 * history does not queue behind the room's document.
 */

export { CHUNK_BYTES } from './frames';
/**
 * A message larger than this (compressed or inflated) is discarded on arrival. The largest
 * legitimate message is a newcomer's sync reply, the room's whole state: measured at
 * 27.1 MB for 100,000 messages of about 40 characters (schema v2). 64 MiB leaves room for
 * longer texts; a peer can no longer make another hold 256 MiB for one message.
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

type Handler = ((event: unknown) => void) | null;

/** The channel whose message is being handled now, synchronously (see channelBeingRead). */
let reading: ChunkedDataChannel | undefined;

/**
 * The channel whose ordinary message (one for y-webrtc) is being handled at this moment, if
 * any: what that handling applies to the document came from its peer.
 */
export function channelBeingRead(): ChunkedDataChannel | undefined {
  return reading;
}

function readingOn(channel: ChunkedDataChannel | undefined): void {
  reading = channel;
}

/** Counters a channel keeps about what it received and dropped. */
export type ChunkStats = FrameStats;

export class ChunkedDataChannel {
  onmessage: Handler = null;
  onopen: Handler = null;
  onclose: Handler = null;
  onerror: Handler = null;
  onbufferedamountlow: Handler = null;
  /** Receives side messages (see sendSide). */
  onside: ((data: Uint8Array) => void) | null = null;
  /**
   * Sees each message before y-webrtc does; returning true keeps it from y-webrtc (awareness
   * updates go to the presence gate instead, see awarenessIntake).
   */
  oninbound: ((data: Uint8Array) => boolean) | null = null;
  /**
   * Given each received message before it is handled, returns what tells, for a message sent
   * on this channel while it is being handled, whether the peer holds it already (an echo of
   * what it just sent, see echo.ts); such a message is not sent.
   */
  echoOf: ((received: Uint8Array) => (outgoing: Uint8Array) => boolean) | null = null;
  /** Messages not sent for being echoes. */
  echoesDropped = 0;
  private isEcho: ((outgoing: Uint8Array) => boolean) | undefined;
  private readonly reader: FrameReader;
  private readonly outbox: FrameOutbox;
  private greeted = false;
  private compressing = false;
  private readonly waiting: Waiting[] = [];
  private readonly pieces = new SyncPieces();
  private lowThreshold = 0;
  private closeSeen = false;

  constructor(
    private readonly channel: RTCDataChannel,
    maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES,
  ) {
    this.reader = new FrameReader(
      {
        message: (data) => {
          this.isEcho = this.echoOf?.(data);
          const outer = reading;
          readingOn(this);
          try {
            if (!this.oninbound?.(data)) this.onmessage?.({ data: data.buffer });
          } finally {
            this.isEcho = undefined;
            readingOn(outer);
          }
        },
        side: (data) => this.onside?.(data),
        refuse: (reason) => {
          console.warn(`MeshChat refused a peer's data channel: ${reason}`);
          this.close();
        },
      },
      maxMessageBytes,
    );
    // A channel that refuses to send for good is closed, and said closed to every listener
    // (it may never say so itself: it may have been closed before it said it was open).
    this.outbox = new FrameOutbox(channel, () => {
      this.close();
      channel.dispatchEvent(new Event('close'));
    });
    channel.binaryType = 'arraybuffer';
    channel.onmessage = (event: MessageEvent) => this.reader.receive(event.data);
    channel.onopen = (event) => {
      this.outbox.isOpen = true;
      this.onopen?.(event);
    };
    channel.onclose = (event) => this.closed(event);
    channel.onerror = (event) => this.onerror?.(event);
    channel.onbufferedamountlow = () => {
      this.outbox.readWire();
      this.outbox.pump();
      if (this.bufferedAmount <= this.lowThreshold) this.onbufferedamountlow?.({});
    };
  }

  /** What was received and dropped. */
  /** Per Yjs client, the clock ranges sync answers in pieces have carried on this channel. */
  carried(): ReadonlyMap<number, { readonly clock: number; readonly end: number }> {
    return this.pieces.carried();
  }

  /** Bytes handed to the wire, frames included (after compression). */
  get bytesSent(): number {
    return this.outbox.bytesSent;
  }

  get stats(): ChunkStats {
    return this.reader.stats;
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
    return this.outbox.bufferedAmount;
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
    const bytes = toBytes(data);
    if (this.isEcho?.(bytes)) {
      this.echoesDropped += 1;
      return;
    }
    // A large sync answer goes in pieces, so that both sides work while the wire does.
    const pieces = this.pieces.prepare(bytes);
    if (pieces) for (const piece of pieces) this.enqueue(piece, false, true);
    else this.enqueue(bytes, false);
  }

  /**
   * Sends a side message: the other end's `onside` receives it; y-webrtc never sees it.
   * `urgent`: sent as it is, ahead of what waits for a compression (see the class comment).
   * `shared`: the caller never changes `data` and may send it on other channels too: it is
   * not copied, and compressed once for all of them.
   */
  sendSide(data: Uint8Array, urgent = false, shared = false): void {
    if (!urgent) {
      this.enqueue(data, true, shared, shared);
      return;
    }
    this.greet();
    // The outbox holds whole messages only (a compressed one is queued once made).
    sendPlain(this.outbox, data, true);
    this.outbox.pump();
  }

  close(): void {
    this.outbox.isOpen = false;
    this.outbox.clear();
    this.waiting.length = 0;
    this.reader.close();
    this.channel.close();
  }

  private closed(event: unknown): void {
    this.outbox.isOpen = false;
    this.reader.close();
    if (this.closeSeen) return;
    this.closeSeen = true;
    this.onclose?.(event);
  }

  /** `owned`: never changed by the caller, so it need not be copied. */
  private enqueue(bytes: Uint8Array, side: boolean, owned = false, shared = false): void {
    this.greet();
    if (this.compressing || bytes.byteLength >= COMPRESS_MIN_BYTES) {
      // Sent later: copied now, as RTCDataChannel.send would, so the caller may reuse it.
      this.waiting.push({ bytes: owned ? bytes : bytes.slice(), side, shared });
      if (!this.compressing) void this.drainWaiting();
      return;
    }
    sendPlain(this.outbox, bytes, side);
    this.outbox.pump();
  }

  /** Throws if the channel is not open; queues HELLO before the first frame. */
  private greet(): void {
    if (!this.outbox.isOpen) {
      throw new DOMException(`data channel is ${this.channel.readyState}`, 'InvalidStateError');
    }
    if (!this.greeted) {
      this.greeted = true;
      this.outbox.queue(HELLO_FRAME.slice());
    }
  }

  /** Sends what waits, in order, compressing the large ones. */
  private async drainWaiting(): Promise<void> {
    this.compressing = true;
    try {
      for (;;) {
        const next = this.waiting.shift();
        if (!next) break;
        if (next.bytes.byteLength < COMPRESS_MIN_BYTES)
          sendPlain(this.outbox, next.bytes, next.side);
        else if (next.shared) await sendCompressedShared(this.outbox, next.bytes);
        else await sendCompressed(this.outbox, next);
        this.outbox.pump();
      }
    } finally {
      this.compressing = false;
    }
    this.outbox.pump();
  }
}

const textEncoder = new TextEncoder();

function toBytes(data: string | ArrayBuffer | ArrayBufferView): Uint8Array {
  if (typeof data === 'string') return textEncoder.encode(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError('ChunkedDataChannel.send takes a string, an ArrayBuffer or a typed array');
}
