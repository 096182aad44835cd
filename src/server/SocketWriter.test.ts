// SocketWriter on a real loopback TCP pair: the reader does not read until the test says so,
// so the kernel's buffers fill as they do for a slow client.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { writeSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SocketWriter } from './SocketWriter.js';

/** A connected pair: `server` is written to, `reader` reads only once drained. */
interface Pair {
  readonly server: Socket;
  readonly reader: Socket;
  /** Starts reading and resolves with everything received until `bytes` have arrived. */
  drain: (bytes: number) => Promise<Buffer>;
}

let listener: Server;
const open: Socket[] = [];

async function pair(): Promise<Pair> {
  const accepted = once(listener, 'connection') as Promise<[Socket]>;
  const address = listener.address();
  assert.ok(address !== null && typeof address === 'object');
  const reader = connect(address.port, '127.0.0.1');
  // Not reading: nothing consumes what arrives until drain() (Node buffers 16 KB, then stops).
  reader.pause();
  const [server] = await accepted;
  await once(reader, 'connect');
  open.push(server, reader);
  server.on('error', () => undefined);
  return {
    server,
    reader,
    drain: (bytes) => {
      const chunks: Buffer[] = [];
      let got = 0;
      return new Promise((resolve, reject) => {
        reader.on('error', reject);
        reader.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          got += chunk.length;
          if (got >= bytes) resolve(Buffer.concat(chunks));
        });
        reader.resume();
      });
    },
  };
}

/** A frame of `length` bytes, each byte telling which frame it belongs to. */
function frame(tag: number, length: number): Buffer {
  return Buffer.alloc(length, tag);
}

/** Larger than loopback's send plus receive buffers can ever hold (a few MB each). */
const HUGE = 32 * 1024 * 1024;

/** The libuv descriptor of a socket (the same internal field SocketWriter uses). */
function fdOf(socket: Socket): number {
  return (socket as unknown as { _handle: { fd: number } })._handle.fd;
}

before(async () => {
  listener = createServer();
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
});

after(async () => {
  for (const socket of open) socket.destroy();
  listener.close();
  await once(listener, 'close');
});

describe('SocketWriter', () => {
  it('writes a frame straight to the descriptor when nothing is queued', async () => {
    const { server, drain } = await pair();
    const writer = new SocketWriter(server);
    writer.write(frame(1, 100));
    writer.write(frame(2, 50));
    assert.deepEqual(writer.counts, { direct: 2, streamed: 0 });
    assert.equal(server.writableLength, 0, 'nothing was left to the stream');
    const received = await drain(150);
    assert.deepEqual(received, Buffer.concat([frame(1, 100), frame(2, 50)]));
  });

  it('queues the rest of a partly written frame, and every later frame behind it, in order', async () => {
    const { server, drain } = await pair();
    const writer = new SocketWriter(server);
    const big = frame(1, HUGE);
    writer.write(big);
    const held = server.writableLength;
    assert.ok(held > 0 && held < HUGE, `the kernel took part of the frame (stream holds ${held})`);
    assert.deepEqual(writer.counts, { direct: 0, streamed: 1 });
    // With bytes queued in the stream, a direct write would overtake them.
    writer.write(frame(2, 10));
    writer.writeAll([frame(3, 5), frame(4, 7)]);
    assert.deepEqual(writer.counts, { direct: 0, streamed: 3 });
    assert.equal(server.writableLength, held + 22, 'the stream holds exactly what it was given');
    const received = await drain(HUGE + 22);
    assert.equal(received.length, HUGE + 22);
    assert.ok(received.subarray(0, HUGE).equals(big));
    assert.deepEqual(
      received.subarray(HUGE),
      Buffer.concat([frame(2, 10), frame(3, 5), frame(4, 7)]),
    );
    // Drained, the next frame goes directly again.
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(server.writableLength, 0);
    writer.write(frame(5, 3));
    assert.equal(writer.counts.direct, 1);
  });

  it('hands a whole frame to the stream when the kernel takes none of it (EAGAIN)', async () => {
    const { server, drain } = await pair();
    // Fill the kernel's buffers behind the stream's back until it refuses more.
    const filler = frame(9, 64 * 1024);
    let filled = 0;
    let refused: unknown = null;
    while (refused === null) {
      try {
        filled += writeSync(fdOf(server), filler);
      } catch (error) {
        refused = error;
      }
    }
    assert.equal((refused as NodeJS.ErrnoException).code, 'EAGAIN');
    const writer = new SocketWriter(server);
    writer.write(frame(1, 1000));
    assert.deepEqual(writer.counts, { direct: 0, streamed: 1 });
    assert.equal(server.writableLength, 1000, 'the whole frame waits in the stream');
    const received = await drain(filled + 1000);
    assert.equal(received.length, filled + 1000);
    assert.deepEqual(received.subarray(filled), frame(1, 1000));
  });

  it('writes a batch in one writev and queues what follows the part the kernel took', async () => {
    const { server, drain } = await pair();
    const writer = new SocketWriter(server);
    const frames = [frame(1, 1000), frame(2, HUGE), frame(3, 1000), frame(4, 10)];
    const total = HUGE + 2010;
    writer.writeAll(frames);
    const held = server.writableLength;
    assert.ok(held > 0 && held < total, `the kernel took part of the batch (stream holds ${held})`);
    const received = await drain(total);
    assert.deepEqual(received, Buffer.concat(frames));
  });

  it('never writes to the descriptor of a closed socket, which another socket may now hold', async () => {
    const first = await pair();
    const writer = new SocketWriter(first.server);
    first.server.destroy();
    await once(first.server, 'close');
    // The next connection is likely to be given the descriptor number just freed.
    const second = await pair();
    writer.write(frame(7, 100));
    assert.equal(writer.counts.direct, 0);
    new SocketWriter(second.server).write(frame(8, 10));
    assert.deepEqual(await second.drain(10), frame(8, 10), 'only its own frame arrived');
  });
});
