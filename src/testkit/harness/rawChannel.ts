// The latency benchmark's anchor: a plain RTCDataChannel between two contexts, set up by
// hand (descriptions passed through the test driver), measuring one-way delays.

import { iceGathered } from '../iceGathered';

const wallClock = (): number => performance.timeOrigin + performance.now();

let connection: RTCPeerConnection | undefined;
let receivedBytes = 0;
let lastReceiveAt = 0;
let channel: RTCDataChannel | undefined;
const delays: number[] = [];

function listen(dc: RTCDataChannel): void {
  channel = dc;
  dc.binaryType = 'arraybuffer';
  dc.onmessage = (event: MessageEvent) => {
    if (typeof event.data === 'string') delays.push(wallClock() - Number(event.data));
    else {
      receivedBytes += (event.data as ArrayBuffer).byteLength;
      lastReceiveAt = wallClock();
    }
  };
}

const raw = {
  /** Caller side: returns the offer, candidates included. */
  async offer(): Promise<RTCSessionDescriptionInit> {
    connection = new RTCPeerConnection({ iceServers: [] });
    listen(connection.createDataChannel('raw'));
    await connection.setLocalDescription(await connection.createOffer());
    await iceGathered(connection);
    return connection.localDescription?.toJSON() as RTCSessionDescriptionInit;
  },
  /** Callee side: takes the offer, returns the answer. */
  async answer(offer: RTCSessionDescriptionInit): Promise<RTCSessionDescriptionInit> {
    connection = new RTCPeerConnection({ iceServers: [] });
    connection.ondatachannel = (event) => listen(event.channel);
    await connection.setRemoteDescription(offer);
    await connection.setLocalDescription(await connection.createAnswer());
    await iceGathered(connection);
    return connection.localDescription?.toJSON() as RTCSessionDescriptionInit;
  },
  async accept(answer: RTCSessionDescriptionInit): Promise<void> {
    await connection?.setRemoteDescription(answer);
  },
  isOpen(): boolean {
    return channel?.readyState === 'open';
  },
  async paced(count: number, gapMs: number): Promise<void> {
    for (let i = 0; i < count; i += 1) {
      channel?.send(String(wallClock()));
      await new Promise((resolve) => setTimeout(resolve, gapMs));
    }
  },
  delays(): number[] {
    return delays;
  },
  /** Sends `total` bytes in messages of `size`, keeping the send buffer under `highWater`. */
  async blast(total: number, size: number, highWater: number): Promise<number> {
    const dc = channel;
    if (!dc) throw new Error('blast: no channel');
    const started = wallClock();
    dc.bufferedAmountLowThreshold = highWater / 4;
    const message = new Uint8Array(size);
    for (let sent = 0; sent < total; sent += size) {
      if (dc.bufferedAmount > highWater) {
        await new Promise<void>((resolve) => (dc.onbufferedamountlow = () => resolve()));
      }
      dc.send(message);
    }
    return started;
  },
  received(): { bytes: number; at: number } {
    return { bytes: receivedBytes, at: lastReceiveAt };
  },
  close(): void {
    connection?.close();
  },
};

declare global {
  interface Window {
    raw: typeof raw;
  }
}
window.raw = raw;
export {};
