// The send side of a ChunkedDataChannel: frames wait here and go to the browser's data
// channel only while its buffer has room, so that buffer never overflows.

/** Frames are handed to the browser while its buffer holds less than this. */
const HIGH_WATER_BYTES = 4 * 1024 * 1024;
/**
 * The browser's buffer is read again once what was handed to it since the last read passes
 * this. Reading it (and the channel's state) is a call into the native side, which in Node's
 * WebRTC waits on its network thread: in a busy 25-peer room those reads took as long as the
 * sends themselves. What was handed over since the last read bounds the buffer from above
 * (it only drains meanwhile), so below this the bound serves.
 */
const REREAD_BYTES = 256 * 1024;

export class FrameOutbox {
  /** Bytes handed to the wire, frames included (after compression). */
  bytesSent = 0;
  /** Whether the channel is open, from its events (and refused sends), not read natively. */
  isOpen: boolean;
  private readonly outbox: Uint8Array<ArrayBuffer>[] = [];
  private outboxHead = 0;
  private outboxBytes = 0;
  /** An upper bound of the browser's buffer: its last reading plus what was sent since. */
  private wireBound = 0;

  constructor(private readonly channel: RTCDataChannel) {
    this.isOpen = channel.readyState === 'open';
    this.wireBound = channel.bufferedAmount || 0;
    channel.bufferedAmountLowThreshold = HIGH_WATER_BYTES / 4;
  }

  /** Bytes not yet sent: the browser's buffer plus this queue. */
  get bufferedAmount(): number {
    const wire = this.wireBound < REREAD_BYTES ? this.wireBound : this.readWire();
    return wire + this.outboxBytes;
  }

  /** Drops every frame not yet handed to the browser. */
  clear(): void {
    this.outbox.length = 0;
    this.outboxHead = 0;
    this.outboxBytes = 0;
  }

  queue(framed: Uint8Array<ArrayBuffer>): void {
    this.outbox.push(framed);
    this.outboxBytes += framed.byteLength;
  }

  /** Reads the browser's buffer (a native call), which makes the bound exact again. */
  readWire(): number {
    this.wireBound = this.channel.bufferedAmount;
    return this.wireBound;
  }

  pump(): void {
    if (this.outboxHead >= this.outbox.length || !this.isOpen) return;
    // The channel's state and buffer are not read per frame (see REREAD_BYTES): the buffer is
    // read only when the bound says it may be full, and the loop stops only on a fresh
    // reading (the browser then says when it has drained). A channel that closes meanwhile
    // refuses the send: what is queued goes with it, as on any close.
    let fresh = false;
    while (this.outboxHead < this.outbox.length) {
      if (this.wireBound >= HIGH_WATER_BYTES) {
        if (fresh) return;
        this.readWire();
        fresh = true;
        if (this.wireBound >= HIGH_WATER_BYTES) return;
      }
      const next = this.outbox[this.outboxHead] as Uint8Array<ArrayBuffer>;
      this.outbox[this.outboxHead] = EMPTY;
      this.outboxHead += 1;
      this.outboxBytes -= next.byteLength;
      this.bytesSent += next.byteLength;
      this.wireBound += next.byteLength;
      try {
        this.channel.send(next);
      } catch {
        this.isOpen = false;
        return;
      }
    }
    if (this.outboxHead === this.outbox.length) {
      this.outbox.length = 0;
      this.outboxHead = 0;
    }
  }
}

const EMPTY: Uint8Array<ArrayBuffer> = new Uint8Array(0);
