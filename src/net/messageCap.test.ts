import { expect } from '@esm-bundle/chai';
import { DEFAULT_MAX_MESSAGE_BYTES } from './ChunkedDataChannel';
import { deflateRaw } from './deflate';
import { FrameReader } from './FrameReader';
import { HELLO_FRAME, Z_FIRST, PART, LAST } from './frames';

/** A reader with the default cap, greeted, collecting what it delivers. */
function reader(): { reader: FrameReader; delivered: number[]; settled: () => Promise<void> } {
  const delivered: number[] = [];
  let wake: () => void = () => undefined;
  const frames = new FrameReader(
    {
      message: (data) => {
        delivered.push(data.byteLength);
        wake();
      },
      side: () => undefined,
      refuse: () => undefined,
    },
    DEFAULT_MAX_MESSAGE_BYTES,
  );
  frames.receive(HELLO_FRAME.slice().buffer);
  const settled = (): Promise<void> =>
    new Promise<void>((resolve) => {
      wake = resolve;
      // The next message (a small marker) is delivered after the one before it settles.
      const marker = new Uint8Array([0, 42]);
      frames.receive(marker.buffer);
    });
  return { reader: frames, delivered, settled };
}

/** Sends `bytes` zeros as one compressed message in frames of 64 KiB (a small bomb). */
async function sendZeros(frames: FrameReader, bytes: number): Promise<void> {
  const pieces: Uint8Array[] = [];
  for await (const piece of deflateRaw(new Uint8Array(bytes))) pieces.push(piece);
  const whole = new Uint8Array(pieces.reduce((sum, p) => sum + p.byteLength, 0));
  let offset = 0;
  for (const piece of pieces) {
    whole.set(piece, offset);
    offset += piece.byteLength;
  }
  for (let start = 0; start < whole.byteLength; start += 65536) {
    const end = Math.min(start + 65536, whole.byteLength);
    const flag = start === 0 ? Z_FIRST : end === whole.byteLength ? LAST : PART;
    const frame = new Uint8Array(1 + end - start);
    frame[0] = start === 0 && end === whole.byteLength ? Z_FIRST : flag;
    frame.set(whole.subarray(start, end), 1);
    frames.receive(frame.buffer);
    if (start === 0 && end === whole.byteLength) frames.receive(new Uint8Array([LAST]).buffer);
  }
}

describe('the data-channel message cap', () => {
  it('is sized from a 100,000-message sync (27.1 MB measured) with room to spare', () => {
    expect(DEFAULT_MAX_MESSAGE_BYTES).to.equal(64 * 1024 * 1024);
    expect(DEFAULT_MAX_MESSAGE_BYTES).to.be.above(2 * 27_069_798);
  });

  it('delivers a 28 MiB message and drops a 65 MiB one that a peer sent compressed', async function () {
    // Compressing 93 MiB here takes seconds on a loaded machine.
    this.timeout(120_000);
    const { reader: frames, delivered, settled } = reader();
    await sendZeros(frames, 28 * 1024 * 1024);
    await settled();
    expect(delivered).to.deep.equal([28 * 1024 * 1024, 1]);
    // Under the old cap of 256 MiB the receiver inflated and held all of it.
    await sendZeros(frames, 65 * 1024 * 1024);
    await settled();
    expect(delivered).to.deep.equal([28 * 1024 * 1024, 1, 1]);
    expect(frames.stats.oversizedMessages).to.equal(1);
  });
});
