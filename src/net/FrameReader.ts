import { Inflater, InflatedTooLarge, concatBytes } from './deflate';
import {
  HELLO,
  LAST,
  PART,
  SIDE_FIRST,
  SIDE_WHOLE,
  WHOLE,
  Z_FIRST,
  Z_SIDE_FIRST,
  Z_SIDE_WHOLE,
  Z_WHOLE,
  isHello,
} from './frames';

/** Counters a reader keeps about the input it dropped. */
export interface FrameStats {
  malformedFrames: number;
  oversizedMessages: number;
  /** Compressed messages that were not valid deflate-raw. */
  corruptMessages: number;
  /** Bytes received on the wire, frames included. */
  bytesReceived: number;
  /** Messages whose handler threw (y-webrtc throws on a message it cannot decode). */
  rejectedMessages: number;
  /** 1 once the peer was refused for not speaking this framing (its first frame was no HELLO). */
  unframedPeer: number;
}

/** Where a reader hands what it reassembled. */
export interface FrameSink {
  message(data: Uint8Array<ArrayBuffer>): void;
  side(data: Uint8Array<ArrayBuffer>): void;
  /** The peer does not frame its messages: the channel should be closed. */
  refuse(reason: string): void;
}

/** A message being reassembled from pieces. */
interface Assembly {
  readonly side: boolean;
  readonly inflater: Inflater | undefined;
  parts: Uint8Array[];
  bytes: number;
  discarding: boolean;
}

/** A reassembled message waiting for those before it (still inflating) to be delivered. */
interface Slot {
  readonly side: boolean;
  data: Uint8Array<ArrayBuffer> | undefined;
  dropped: boolean;
}

/**
 * The receiving half of a framed channel: checks the peer's HELLO, reassembles pieces,
 * inflates compressed messages, and delivers every message in the order it was sent, even
 * when a large compressed one is still inflating while small ones arrive behind it.
 */
export class FrameReader {
  readonly stats: FrameStats = {
    malformedFrames: 0,
    oversizedMessages: 0,
    corruptMessages: 0,
    bytesReceived: 0,
    rejectedMessages: 0,
    unframedPeer: 0,
  };
  private greeted = false;
  private assembly: Assembly | undefined;
  private readonly inbox: Slot[] = [];

  constructor(
    private readonly sink: FrameSink,
    private readonly maxMessageBytes: number,
  ) {}

  /** Takes one frame as it came off the channel. */
  receive(data: unknown): void {
    if (this.stats.unframedPeer > 0) return;
    if (!(data instanceof ArrayBuffer) || data.byteLength === 0) {
      this.stats.malformedFrames += 1;
      return;
    }
    this.stats.bytesReceived += data.byteLength;
    const bytes = new Uint8Array(data);
    if (!this.greeted) {
      if (isHello(bytes)) {
        this.greeted = true;
      } else {
        this.stats.unframedPeer = 1;
        this.sink.refuse(
          `the peer's first frame (flag ${bytes[0]}) is not this app's HELLO: it does not frame its messages (a stock y-webrtc client?)`,
        );
      }
      return;
    }
    const flag = bytes[0];
    const payload = bytes.subarray(1);
    switch (flag) {
      case WHOLE:
      case SIDE_WHOLE:
        this.start(undefined);
        this.arrive(flag === SIDE_WHOLE, payload.slice());
        return;
      case Z_WHOLE:
      case Z_SIDE_WHOLE:
        this.start(undefined);
        this.inflate(flag === Z_SIDE_WHOLE, [payload.slice()]);
        return;
      case SIDE_FIRST:
      case Z_FIRST:
      case Z_SIDE_FIRST:
        this.start({
          side: flag !== Z_FIRST,
          inflater: flag === SIDE_FIRST ? undefined : new Inflater(this.maxMessageBytes),
          parts: [],
          bytes: 0,
          discarding: false,
        });
        this.piece(payload);
        return;
      case PART:
      case LAST:
        // A PART with nothing open starts an ordinary message in pieces.
        this.assembly ??= {
          side: false,
          inflater: undefined,
          parts: [],
          bytes: 0,
          discarding: false,
        };
        this.piece(payload);
        if (flag === LAST) this.finish();
        return;
      case HELLO:
      default:
        this.stats.malformedFrames += 1;
    }
  }

  /** Drops what is half received (the channel closed). */
  close(): void {
    this.assembly?.inflater?.abort();
    this.assembly = undefined;
    this.inbox.length = 0;
  }

  private start(next: Assembly | undefined): void {
    if (this.assembly) {
      // The previous message never got its LAST: the sender broke the framing.
      this.stats.malformedFrames += 1;
      this.assembly.inflater?.abort();
    }
    this.assembly = next;
  }

  private piece(payload: Uint8Array): void {
    const assembly = this.assembly;
    if (!assembly || assembly.discarding) return;
    assembly.bytes += payload.byteLength;
    if (assembly.bytes > this.maxMessageBytes) {
      this.stats.oversizedMessages += 1;
      assembly.parts = [];
      assembly.inflater?.abort();
      assembly.discarding = true;
    } else if (assembly.inflater) {
      assembly.inflater.push(payload.slice());
    } else {
      assembly.parts.push(payload.slice());
    }
  }

  private finish(): void {
    const assembly = this.assembly;
    this.assembly = undefined;
    if (!assembly || assembly.discarding) return;
    if (assembly.inflater) this.settle(assembly.side, assembly.inflater.end());
    else this.arrive(assembly.side, concatBytes(assembly.parts, assembly.bytes));
  }

  private inflate(side: boolean, parts: Uint8Array<ArrayBuffer>[]): void {
    const inflater = new Inflater(this.maxMessageBytes);
    for (const part of parts) inflater.push(part);
    this.settle(side, inflater.end());
  }

  /** Holds a place in the delivery order until `inflated` settles. */
  private settle(side: boolean, inflated: Promise<Uint8Array>): void {
    const slot: Slot = { side, data: undefined, dropped: false };
    this.inbox.push(slot);
    inflated.then(
      (data) => {
        slot.data = data as Uint8Array<ArrayBuffer>;
        this.drain();
      },
      (error: unknown) => {
        if (error instanceof InflatedTooLarge) this.stats.oversizedMessages += 1;
        else this.stats.corruptMessages += 1;
        slot.dropped = true;
        this.drain();
      },
    );
  }

  private arrive(side: boolean, data: Uint8Array<ArrayBuffer>): void {
    if (this.inbox.length === 0) {
      this.deliver(side, data);
    } else {
      this.inbox.push({ side, data, dropped: false });
    }
  }

  private drain(): void {
    for (let head = this.inbox[0]; head; head = this.inbox[0]) {
      if (head.data === undefined && !head.dropped) return;
      this.inbox.shift();
      if (head.data) this.deliver(head.side, head.data);
    }
  }

  private deliver(side: boolean, data: Uint8Array<ArrayBuffer>): void {
    // One peer's undecodable message must not take down the tab (or a Node process).
    try {
      if (side) this.sink.side(data);
      else this.sink.message(data);
    } catch {
      this.stats.rejectedMessages += 1;
    }
  }
}
