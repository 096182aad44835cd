import { expect } from '@esm-bundle/chai';
import * as buffer from 'lib0/buffer';
import * as encoding from 'lib0/encoding';
import { ANNOUNCE_SAMPLE, routeOf } from './targetedSignaling';
import { encryptRoom } from './yInternals';

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
