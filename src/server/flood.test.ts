// The flood that used to empty a room, against a real server process with its default limits:
// one connection sending 200 publishes of 60 KB had 12 MB queued for every reader at once, and
// every reader was dropped as slow. Now the writer is refused, then closed, and the room goes on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TestClient } from '../testkit/server/TestClient.js';
import { serverSuite } from '../testkit/server/withServer.js';
import { withTimeout } from '../testkit/waitFor.js';

const CHUNK = 'f'.repeat(60_000);

describe('a flood from one client, against a real server process', () => {
  const suite = serverSuite('flood');
  const connect = (): Promise<TestClient> => suite.connect();

  it('200 publishes of 60 KB from one connection drop the writer, not the readers', async () => {
    const readers = await Promise.all([connect(), connect(), connect()]);
    const writer = await connect();
    await Promise.all([...readers, writer].map((client) => client.subscribe('room')));
    for (let i = 0; i < 200; i += 1) writer.send({ type: 'publish', topic: 'room', data: CHUNK });
    // Once the writer is closed, or has had all its frames handled, the flood is over.
    await withTimeout(
      Promise.race([writer.closed, writer.roundTrip()]),
      'the flood to end',
      20_000,
    );
    // Every reader is still there and still hears the room.
    const [first] = readers as [TestClient, ...TestClient[]];
    first.send({ type: 'publish', topic: 'room', data: 'still here' });
    await Promise.all(
      readers.map((reader) =>
        reader.waitFor((m) => m.data === 'still here', 'a message after the flood', 10_000),
      ),
    );
    for (const reader of readers) assert.equal(reader.socket.readyState, reader.socket.OPEN);
    assert.deepEqual(await writer.waitClosed(), { code: 1008, reason: 'publishing too fast' });
    // Of the flood, at most the first publishes (half a 256 KiB burst) reached anyone.
    const flooded = first.publishes('room').filter((m) => m.data === CHUNK).length;
    assert.ok(flooded <= 3, `${flooded} flood messages relayed`);
  });
});
