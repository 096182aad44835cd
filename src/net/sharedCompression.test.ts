import { expect } from '@esm-bundle/chai';
import { ChunkedDataChannel } from './ChunkedDataChannel';
import { COMPRESS_MIN_BYTES, Z_SIDE_WHOLE } from './frames';

/** One end of an in-page channel: what it sends arrives at its peer's onmessage. */
class LoopChannel {
  readyState: RTCDataChannelState = 'open';
  bufferedAmount = 0;
  bufferedAmountLowThreshold = 0;
  binaryType = 'arraybuffer';
  label = 'loop';
  id = 1;
  onmessage: ((event: { data: ArrayBuffer }) => void) | null = null;
  onopen = null;
  onclose = null;
  onerror = null;
  onbufferedamountlow = null;
  peer: LoopChannel | undefined;
  readonly flags: number[] = [];

  send(data: Uint8Array): void {
    const copy = data.slice().buffer;
    this.flags.push(data[0] ?? -1);
    queueMicrotask(() => this.peer?.onmessage?.({ data: copy }));
  }

  close(): void {
    this.readyState = 'closed';
  }
}

function loopPair(): { sender: ChunkedDataChannel; wire: LoopChannel; received: Uint8Array[] } {
  const [a, b] = [new LoopChannel(), new LoopChannel()];
  a.peer = b;
  b.peer = a;
  const sender = new ChunkedDataChannel(a as unknown as RTCDataChannel);
  const receiver = new ChunkedDataChannel(b as unknown as RTCDataChannel);
  const received: Uint8Array[] = [];
  receiver.onside = (data) => received.push(data);
  // The receiving end greets too, as it does on a real channel.
  receiver.sendSide(new Uint8Array([0]));
  return { sender, wire: a, received };
}

describe('ChunkedDataChannel sending a shared side message', () => {
  it('compresses it once for every channel it goes on, and each peer gets it whole', async () => {
    const Original = globalThis.CompressionStream;
    let compressions = 0;
    globalThis.CompressionStream = class extends Original {
      constructor(format: CompressionFormat) {
        super(format);
        compressions += 1;
      }
    };
    try {
      const message = new Uint8Array(COMPRESS_MIN_BYTES * 2);
      for (let i = 0; i < message.byteLength; i += 1) message[i] = (i * 7) % 251;
      const links = [loopPair(), loopPair(), loopPair()];
      for (const { sender } of links) sender.sendSide(message, false, true);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(compressions, 'one compression for three channels').to.equal(1);
      for (const { wire, received } of links) {
        expect(wire.flags, 'HELLO, then one compressed frame').to.deep.equal([9, Z_SIDE_WHOLE]);
        expect(received).to.have.length(1);
        expect(received[0]?.every((byte, i) => byte === message[i])).to.equal(true);
        expect(received[0]?.byteLength).to.equal(message.byteLength);
      }
    } finally {
      globalThis.CompressionStream = Original;
    }
  });
});
