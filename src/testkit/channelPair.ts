// Data channel pairs for the tests of ChunkedDataChannel: two connections in one page, wired
// to each other directly, and helpers to send and watch what arrives.
import { iceGathered } from './iceGathered';

/** Two connections in this page, wired to each other directly (no signaling server). */
export async function connectedPair(
  makeA: () => RTCPeerConnection,
  makeB: () => RTCPeerConnection,
): Promise<{
  a: RTCPeerConnection;
  b: RTCPeerConnection;
  sender: RTCDataChannel;
  receiver: RTCDataChannel;
}> {
  const a = makeA();
  const b = makeB();
  const received = new Promise<RTCDataChannel>((resolve) => {
    b.ondatachannel = (event: RTCDataChannelEvent) => resolve(event.channel);
  });
  const sender = a.createDataChannel('test');
  // Complete descriptions (candidates included) rather than trickling candidates.
  await a.setLocalDescription(await a.createOffer());
  await iceGathered(a);
  await b.setRemoteDescription(a.localDescription as RTCSessionDescription);
  await b.setLocalDescription(await b.createAnswer());
  await iceGathered(b);
  await a.setRemoteDescription(b.localDescription as RTCSessionDescription);
  const receiver = await received;
  await Promise.all(
    [sender, receiver].map(
      (channel) =>
        new Promise<void>((resolve) => {
          if (channel.readyState === 'open') resolve();
          else channel.onopen = () => resolve();
        }),
    ),
  );
  return { a, b, sender, receiver };
}

/** `size` bytes of a repeating pattern (compressible), shifted by `seed`. */
export function pattern(size: number, seed: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 1) bytes[i] = (i * 31 + seed) & 0xff;
  return bytes;
}

/** `size` random bytes: they compress slowly and barely. */
export function randomBytes(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
  return bytes;
}

/**
 * The order in which `receiver` gets its next `count` messages and side messages, each named
 * by `name`; `arrived` settles once all have come.
 */
export function arrivalOrder(
  receiver: RTCDataChannel,
  count: number,
  name: { side: (data: Uint8Array) => string; message: (event: MessageEvent) => string },
): { order: string[]; arrived: Promise<void> } {
  const order: string[] = [];
  const arrived = new Promise<void>((resolve) => {
    const note = (what: string): void => {
      order.push(what);
      if (order.length === count) resolve();
    };
    (receiver as unknown as { onside: (data: Uint8Array) => void }).onside = (data) =>
      note(name.side(data));
    receiver.onmessage = (event: MessageEvent) => note(name.message(event));
  });
  return { order, arrived };
}

/** The next `count` messages `channel` receives. */
export function collect(channel: RTCDataChannel, count: number): Promise<Uint8Array[]> {
  const got: Uint8Array[] = [];
  return new Promise((resolve) => {
    channel.onmessage = (event: MessageEvent) => {
      got.push(new Uint8Array(event.data as ArrayBuffer));
      if (got.length === count) resolve(got);
    };
  });
}
