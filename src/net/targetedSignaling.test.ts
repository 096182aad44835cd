import { expect } from '@esm-bundle/chai';
import * as buffer from 'lib0/buffer';
import * as encoding from 'lib0/encoding';
import type { WebrtcProvider } from 'y-webrtc';
import { ANNOUNCE_SAMPLE, routeOf, routeRoomSignaling } from './targetedSignaling';
import { type MeshRoom } from './meshRoom';
import { encryptRoom } from './roomCrypto';

const a = '0b8f6c1e-2d3a-4b5c-8d9e-0f1a2b3c4d5e';
const b = '9c7d5e3f-1a2b-4c3d-9e8f-7a6b5c4d3e2f';

/** Room data as y-webrtc publishes it under a password (its crypto.js encryptJson). */
async function sealed(data: Record<string, unknown>, key: CryptoKey): Promise<string> {
  const e = encoding.createEncoder();
  encoding.writeAny(e, data as { [key: string]: encoding.AnyEncodable });
  return buffer.toBase64(await encryptRoom(encoding.toUint8Array(e), key));
}

const newKey = (): Promise<CryptoKey> =>
  crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);

describe('routeOf', () => {
  it('names the sender and target of a signal or invite, read through the room key', async () => {
    const key = await newKey();
    const offer = { type: 'signal', from: a, to: b, token: 1, signal: { type: 'offer' } };
    expect(await routeOf(await sealed(offer, key), key)).to.deep.equal({ from: a, to: b });
    expect(await routeOf(offer, null)).to.deep.equal({ from: a, to: b });
    // The mesh's request that the peer with the smaller id dial goes to that peer alone too.
    const invite = { type: 'mesh-dial', from: b, to: a };
    expect(await routeOf(await sealed(invite, key), key)).to.deep.equal({ from: b, to: a });
  });

  it('samples the mesh’s announces and leaves y-webrtc’s own announce to everyone', async () => {
    const key = await newKey();
    const mesh = { type: 'announce', from: a, mesh: 1, attempt: 2 };
    expect(await routeOf(await sealed(mesh, key), key)).to.deep.equal({
      from: a,
      sample: ANNOUNCE_SAMPLE,
    });
    const stock = { type: 'announce', from: a };
    expect(await routeOf(await sealed(stock, key), key)).to.deep.equal({ from: a });
  });

  it('adds nothing to what it cannot read or what names no valid peer id', async () => {
    const key = await newKey();
    const other = await sealed({ type: 'signal', from: a, to: b }, await newKey());
    expect(await routeOf(other, key)).to.equal(null);
    expect(await routeOf('not base64 at all', key)).to.equal(null);
    expect(await routeOf({ type: 'signal', from: a, to: b }, key)).to.equal(null);
    expect(await routeOf({ type: 'signal', from: 'has space', to: b }, null)).to.equal(null);
    // A target the server would refuse is left out; the message still goes, to everyone.
    expect(await routeOf({ type: 'signal', from: a, to: 'x'.repeat(65) }, null)).to.deep.equal({
      from: a,
    });
  });
});

/** A signaling connection as lib0's WebsocketClient looks to the wrapper: what it sent. */
class FakeClient {
  readonly ws = {};
  readonly connected = true;
  readonly sent: Record<string, unknown>[] = [];
  private readonly listeners: ((message: unknown) => void)[] = [];
  send(message: Record<string, unknown>): void {
    this.sent.push(message);
  }
  on(_event: 'message', listener: (message: unknown) => void): void {
    this.listeners.push(listener);
  }
  receive(message: unknown): void {
    for (const listener of this.listeners) listener(message);
  }
}

/** Lets the wrapper's promise chains run. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('routeRoomSignaling', () => {
  function routedRoom(topic: string) {
    const client = new FakeClient();
    const provider = { signalingConns: [client] } as unknown as WebrtcProvider;
    const room = { name: topic, key: null, peerId: a } as unknown as MeshRoom;
    const routing = routeRoomSignaling(provider, room);
    return { client, stop: () => routing.stop() };
  }
  const announce = { type: 'announce', from: a, mesh: 1 };

  it('holds a joiner’s first publishes until the server says it routes, its claim first', async () => {
    const { client, stop } = routedRoom('meshchat/held-1');
    client.send({ type: 'publish', topic: 'meshchat/held-1', data: announce });
    client.send({
      type: 'publish',
      topic: 'meshchat/held-1',
      data: { type: 'mesh-dial', from: a, to: b },
    });
    await settle();
    // Sent without a route, the announce would not claim the id, nor the invite reach b alone.
    expect(client.sent.map((m) => m.type)).to.deep.equal(['hello', 'ping']);
    client.receive({ type: 'hello', features: ['route'] });
    await settle();
    expect(client.sent.slice(2)).to.deep.equal([
      {
        type: 'publish',
        topic: 'meshchat/held-1',
        from: a,
        sample: 0,
        secret: client.sent[2]?.secret,
      },
      {
        type: 'publish',
        topic: 'meshchat/held-1',
        data: announce,
        from: a,
        sample: ANNOUNCE_SAMPLE,
      },
      {
        type: 'publish',
        topic: 'meshchat/held-1',
        data: { type: 'mesh-dial', from: a, to: b },
        from: a,
        to: b,
      },
    ]);
    expect(client.sent[2]?.secret).to.be.a('string');
    stop();
  });

  it('sends them as they are, in order, once a stock server answers only the ping', async () => {
    const { client, stop } = routedRoom('meshchat/held-2');
    client.send({ type: 'publish', topic: 'meshchat/held-2', data: announce });
    client.send({ type: 'unsubscribe', topics: ['meshchat/held-2'] });
    await settle();
    expect(client.sent).to.have.length(2);
    client.receive({ type: 'pong' });
    await settle();
    expect(client.sent.slice(2)).to.deep.equal([
      { type: 'publish', topic: 'meshchat/held-2', data: announce },
      { type: 'unsubscribe', topics: ['meshchat/held-2'] },
    ]);
    stop();
  });
});
