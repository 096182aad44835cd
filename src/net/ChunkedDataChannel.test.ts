import { expect } from '@esm-bundle/chai';
import { arrivalOrder, collect, connectedPair, pattern, randomBytes } from '../testkit/channelPair';
import { CHUNK_BYTES, ChunkedDataChannel } from './ChunkedDataChannel';
import { chunkingPeerConnection } from './chunkingPeerConnection';
import { concatBytes, deflateRaw } from './deflate';
import { HELLO_FRAME, WHOLE, Z_WHOLE, frame } from './frames';

describe('ChunkedDataChannel over real WebRTC', () => {
  const Chunking = chunkingPeerConnection(RTCPeerConnection);
  const opened: RTCPeerConnection[] = [];
  afterEach(() => {
    for (const pc of opened.splice(0)) pc.close();
  });
  const make = (): RTCPeerConnection => {
    const pc = new Chunking({ iceServers: [] });
    opened.push(pc);
    return pc;
  };

  it('the plain channel refuses a message over the SCTP limit (why this exists)', async () => {
    const plain = (): RTCPeerConnection => {
      const pc = new RTCPeerConnection({ iceServers: [] });
      opened.push(pc);
      return pc;
    };
    const { sender } = await connectedPair(plain, plain);
    expect(() => sender.send(new Uint8Array(300 * 1024))).to.throw();
  });

  it('delivers messages of 20 MB, 300 KiB, exact chunk size and 1 byte, whole and in order', async () => {
    const { sender, receiver } = await connectedPair(make, make);
    const sizes = [20 * 1024 * 1024, 300 * 1024, CHUNK_BYTES, CHUNK_BYTES + 1, 1, 0];
    const messages = sizes.map((size, i) => pattern(size, i));
    const arriving = collect(receiver, messages.length);
    for (const message of messages) sender.send(message);
    const got = await arriving;
    expect(got.map((m) => m.byteLength)).to.deep.equal(sizes);
    got.forEach((message, i) => {
      expect(
        message.every((byte, j) => byte === messages[i]?.[j]),
        `message ${i}`,
      ).to.equal(true);
    });
    // The large ones crossed compressed (the pattern repeats every 256 bytes).
    const sent = sizes.reduce((sum, size) => sum + size, 0);
    const { bytesReceived } = (receiver as unknown as ChunkedDataChannel).stats;
    expect(bytesReceived).to.be.below(sent / 10);
  });

  it('keeps small messages behind a large one that is still being compressed', async () => {
    const { sender, receiver } = await connectedPair(make, make);
    const random = new Uint8Array(3 * 1024 * 1024);
    for (let i = 0; i < random.byteLength; i += 65536) {
      crypto.getRandomValues(random.subarray(i, i + 65536));
    }
    const arriving = collect(receiver, 4);
    sender.send(new Uint8Array([1]));
    sender.send(random);
    sender.send(new Uint8Array([2]));
    sender.send(new Uint8Array([3]));
    const got = await arriving;
    expect(got.map((m) => m.byteLength)).to.deep.equal([1, random.byteLength, 1, 1]);
    expect(got[1]?.every((byte, j) => byte === random[j])).to.equal(true);
    expect(got.map((m) => m[0] ?? -1).filter((_, i) => i !== 1)).to.deep.equal([1, 2, 3]);
  });

  it('keeps 5,000 small messages in order', async () => {
    const { sender, receiver } = await connectedPair(make, make);
    const arriving = collect(receiver, 5000);
    for (let i = 0; i < 5000; i += 1) sender.send(new Uint32Array([i]));
    const got = await arriving;
    expect(got.map((m) => new Uint32Array(m.buffer)[0])).to.deep.equal(
      Array.from({ length: 5000 }, (_, i) => i),
    );
  });

  it('survives a handler that throws on a message, and counts it', async () => {
    const { sender, receiver } = await connectedPair(make, make);
    const got: number[] = [];
    const done = new Promise<void>((resolve) => {
      receiver.onmessage = (event: MessageEvent) => {
        const first = new Uint8Array(event.data as ArrayBuffer)[0] ?? 0;
        if (first === 13) throw new Error('cannot decode');
        got.push(first);
        if (got.length === 2) resolve();
      };
    });
    sender.send(new Uint8Array([1]));
    sender.send(new Uint8Array([13]));
    sender.send(new Uint8Array([2]));
    await done;
    expect(got).to.deep.equal([1, 2]);
    const stats = (receiver as unknown as { stats: { rejectedMessages: number } }).stats;
    expect(stats.rejectedMessages).to.equal(1);
  });

  it('keeps side messages apart from ordinary ones, large or small', async () => {
    const { sender, receiver } = await connectedPair(make, make);
    const side: Uint8Array[] = [];
    const sideDone = new Promise<void>((resolve) => {
      (receiver as unknown as { onside: (data: Uint8Array) => void }).onside = (data) => {
        side.push(data);
        if (side.length === 2) resolve();
      };
    });
    const ordinary = collect(receiver, 2);
    const send = sender as unknown as { sendSide(data: Uint8Array): void };
    sender.send(pattern(10, 1));
    send.sendSide(pattern(200 * 1024, 2));
    sender.send(pattern(100 * 1024, 3));
    send.sendSide(pattern(5, 4));
    await sideDone;
    const got = await ordinary;
    expect(got.map((m) => m.byteLength)).to.deep.equal([10, 100 * 1024]);
    expect(side.map((m) => m.byteLength)).to.deep.equal([200 * 1024, 5]);
    const expected = pattern(200 * 1024, 2);
    expect(side[0]?.every((byte, j) => byte === expected[j])).to.equal(true);
  });

  const plain = (): RTCPeerConnection => {
    const pc = new RTCPeerConnection({ iceServers: [] });
    opened.push(pc);
    return pc;
  };

  it('sends urgent side messages as they are, ahead of what is compressed or waits for it', async () => {
    const { sender, receiver } = await connectedPair(make, make);
    const random = randomBytes(3 * 1024 * 1024);
    const { order, arrived } = arrivalOrder(receiver, 6, {
      side: (data) => `side ${data.byteLength}`,
      message: (event) => `message ${(event.data as ArrayBuffer).byteLength}`,
    });
    const send = sender as unknown as {
      sendSide(data: Uint8Array, urgent?: boolean): void;
      bytesSent: number;
    };
    const compressible = new Uint8Array(100 * 1024); // zeros: deflate would shrink them
    sender.send(random);
    sender.send(pattern(20 * 1024, 1));
    send.sendSide(pattern(5, 2));
    send.sendSide(compressible, true);
    send.sendSide(pattern(7, 3), true);
    sender.send(new Uint8Array([4]));
    await arrived;
    expect(order).to.deep.equal([
      `side ${compressible.byteLength}`,
      'side 7',
      `message ${random.byteLength}`,
      'message 20480',
      'side 5',
      'message 1',
    ]);
    expect(send.bytesSent, 'the urgent zeros went uncompressed').to.be.greaterThan(
      random.byteLength + compressible.byteLength,
    );
  });

  it('lets the event loop turn while it compresses: an urgent reply made meanwhile goes first', async () => {
    const { sender, receiver } = await connectedPair(make, make);
    // Random bytes compress slowly: far longer than one slice of the compressor's work.
    const random = randomBytes(8 * 1024 * 1024);
    const { order, arrived } = arrivalOrder(receiver, 2, {
      side: () => 'reply',
      message: () => 'large',
    });
    const send = sender as unknown as { sendSide(data: Uint8Array, urgent?: boolean): void };
    sender.send(random);
    // A task after the send: as a peer's request read while the large message compresses.
    setTimeout(() => send.sendSide(pattern(9, 5), true), 0);
    await arrived;
    expect(order).to.deep.equal(['reply', 'large']);
  });

  it('refuses a peer that does not frame (stock y-webrtc) and closes its channel', async () => {
    const { sender, receiver } = await connectedPair(plain, make);
    const got: unknown[] = [];
    receiver.onmessage = (event: MessageEvent) => got.push(event.data);
    const closed = new Promise<void>((resolve) => {
      sender.onclose = () => resolve();
    });
    // y-protocols sync step 1 with an empty state vector, then an awareness message: what a
    // stock y-webrtc peer sends first. Read as frames they were "a whole message" and "a piece".
    sender.send(new Uint8Array([0, 0, 1, 0]));
    sender.send(new Uint8Array([1, 5, 1, 2, 3, 4, 5]));
    await closed;
    expect(got).to.deep.equal([]);
    const { stats } = receiver as unknown as ChunkedDataChannel;
    expect(stats.unframedPeer).to.equal(1);
  });

  it('drops malformed frames from a peer after its HELLO, and keeps working', async () => {
    const { sender, receiver } = await connectedPair(plain, make);
    const arriving = collect(receiver, 2);
    sender.send(HELLO_FRAME);
    sender.send(new Uint8Array([42, 1, 2])); // unknown flag
    sender.send('text frame'); // not bytes
    sender.send(new Uint8Array([2, 7])); // a LAST with no PART: an empty-prefix message [7]
    sender.send(HELLO_FRAME); // a second HELLO
    sender.send(new Uint8Array([0, 42])); // a WHOLE message [42]
    const got = await arriving;
    expect(got.map((m) => [...m])).to.deep.equal([[7], [42]]);
    const { stats } = receiver as unknown as ChunkedDataChannel;
    expect(stats.malformedFrames).to.equal(3);
  });

  it('drops a compressed message that inflates past the limit, or is not deflate, in order', async () => {
    const { sender, receiver: raw } = await connectedPair(plain, plain);
    const limit = 1024 * 1024;
    const receiver = new ChunkedDataChannel(raw, limit);
    const arriving = collect(receiver as unknown as RTCDataChannel, 2);
    const deflated = async (bytes: Uint8Array): Promise<Uint8Array> => {
      const parts: Uint8Array[] = [];
      for await (const part of deflateRaw(bytes)) parts.push(part);
      return concatBytes(parts);
    };
    // 64 MiB of zeros deflate to about 64 KB: a bomb against a 1 MiB limit.
    const bomb = await deflated(new Uint8Array(64 * 1024 * 1024));
    expect(bomb.byteLength).to.be.below(limit);
    sender.send(HELLO_FRAME);
    sender.send(frame(WHOLE, new Uint8Array([1])));
    sender.send(frame(Z_WHOLE, bomb));
    sender.send(frame(Z_WHOLE, new Uint8Array([0xff, 0xfe, 0x00, 0x13])));
    sender.send(frame(Z_WHOLE, await deflated(new Uint8Array([2]))));
    const got = await arriving;
    expect(got.map((m) => [...m])).to.deep.equal([[1], [2]]);
    expect(receiver.stats.oversizedMessages).to.equal(1);
    expect(receiver.stats.corruptMessages).to.equal(1);
  });
});
