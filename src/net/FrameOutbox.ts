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
/**
 * A send the channel refused while it still says it is open is tried again after these
 * delays (ms); then the channel is given up. Node's WebRTC (wrtc) can report a channel open
 * that is already closed, or not yet able to send, under load: its first frame, the HELLO,
 * used to be dropped, and the peer then refused every frame after it.
 */
export const RETRY_DELAYS_MS: readonly number[] = [20, 100, 400, 1000];

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

  /** Refusals in a row (see RETRY_DELAYS_MS); a retry is pending while it is above 0. */
  private refusals = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * `giveUp` is called once the channel refused a send and cannot take it later (it says it
   * is closing or closed, or it refused every retry): the caller closes the link, so that the
   * mesh replaces it rather than keep a link that carries nothing.
   */
  constructor(
    private readonly channel: RTCDataChannel,
    private readonly giveUp: () => void = () => undefined,
  ) {
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
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
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
    if (this.retryTimer !== undefined) return; // A refused frame waits for its retry.
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
      try {
        this.channel.send(next);
      } catch {
        // The frame stays first in line: a frame lost here (the HELLO above all) would leave
        // the peer unable to read the rest.
        this.refused();
        return;
      }
      this.refusals = 0;
      this.outbox[this.outboxHead] = EMPTY;
      this.outboxHead += 1;
      this.outboxBytes -= next.byteLength;
      this.bytesSent += next.byteLength;
      this.wireBound += next.byteLength;
    }
    if (this.outboxHead === this.outbox.length) {
      this.outbox.length = 0;
      this.outboxHead = 0;
    }
  }

  /** A send was refused: retried later while the channel says it is open, else given up. */
  private refused(): void {
    const state = this.channel.readyState;
    const delay = RETRY_DELAYS_MS[this.refusals];
    if (state === 'closing' || state === 'closed' || delay === undefined) {
      this.isOpen = false;
      this.clear();
      this.giveUp();
      return;
    }
    this.refusals += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.pump();
    }, delay);
  }
}

const EMPTY: Uint8Array<ArrayBuffer> = new Uint8Array(0);
