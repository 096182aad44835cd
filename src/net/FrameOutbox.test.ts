import { expect } from '@esm-bundle/chai';
import { poll } from '../testkit/waitFor';
import { ChunkedDataChannel } from './ChunkedDataChannel';
import { HELLO, SIDE_WHOLE, WHOLE } from './frames';
import { RETRY_DELAYS_MS } from './FrameOutbox';

/**
 * A data channel that refuses its first `refusals` sends, as Node's WebRTC does with a
 * channel it reported open too early (or after it closed), and keeps what it sent.
 */
class RefusingChannel extends EventTarget {
  readyState: RTCDataChannelState = 'open';
  bufferedAmount = 0;
  bufferedAmountLowThreshold = 0;
  binaryType: BinaryType = 'arraybuffer';
  label = 'refusing';
  id = 0;
  onopen: ((event: Event) => void) | null = null;
  onclose: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  onbufferedamountlow: ((event: Event) => void) | null = null;
  readonly sent: Uint8Array[] = [];
  tries = 0;
  closes = 0;

  constructor(private refusals: number) {
    super();
  }

  send(data: Uint8Array): void {
    this.tries += 1;
    if (this.refusals > 0) {
      this.refusals -= 1;
      throw new DOMException('not open', 'InvalidStateError');
    }
    this.sent.push(data.slice());
  }

  close(): void {
    this.readyState = 'closed';
  }

  override dispatchEvent(event: Event): boolean {
    if (event.type === 'close') {
      this.closes += 1;
      this.onclose?.(event);
    }
    return super.dispatchEvent(event);
  }
}

function wrap(raw: RefusingChannel): ChunkedDataChannel {
  return new ChunkedDataChannel(raw as unknown as RTCDataChannel);
}

describe('FrameOutbox: a send the channel refuses', () => {
  it('is tried again, so the HELLO still goes first and nothing queued behind it is lost', async () => {
    const raw = new RefusingChannel(2);
    const channel = wrap(raw);
    let closed = 0;
    channel.onclose = () => (closed += 1);
    channel.send(new Uint8Array([7, 7]));
    channel.sendSide(new Uint8Array([8]));
    // The refusals do not reach the caller, and later messages queue behind the refused one.
    channel.send(new Uint8Array([9]));
    expect(raw.sent).to.have.length(0);
    await poll(() => raw.sent.length === 4, 'the four frames sent');
    expect(raw.sent.map((frame) => frame[0])).to.deep.equal([HELLO, WHOLE, SIDE_WHOLE, WHOLE]);
    expect(raw.sent.slice(1).map((frame) => [...frame.subarray(1)])).to.deep.equal([
      [7, 7],
      [8],
      [9],
    ]);
    expect(closed).to.equal(0);
    expect(raw.closes).to.equal(0);
  });

  it('gives the channel up when it keeps refusing: closed, and said closed once', async () => {
    const raw = new RefusingChannel(Infinity);
    const channel = wrap(raw);
    let closed = 0;
    channel.onclose = () => (closed += 1);
    const listened: string[] = [];
    raw.addEventListener('close', (event) => listened.push(event.type));
    channel.send(new Uint8Array([1]));
    await poll(() => closed === 1, 'the channel given up');
    expect(raw.tries).to.equal(RETRY_DELAYS_MS.length + 1);
    expect(raw.readyState).to.equal('closed');
    expect(listened).to.deep.equal(['close']);
    expect(() => channel.send(new Uint8Array([2]))).to.throw();
    // A close the channel reports later is not told twice.
    raw.onclose?.(new Event('close'));
    expect(closed).to.equal(1);
  });

  it('gives a channel that says it is closed up at once', () => {
    const raw = new RefusingChannel(Infinity);
    const channel = wrap(raw);
    let closed = 0;
    channel.onclose = () => (closed += 1);
    raw.readyState = 'closed';
    channel.send(new Uint8Array([1]));
    expect(raw.tries).to.equal(1);
    expect(closed).to.equal(1);
  });
});
