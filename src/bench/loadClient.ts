// One simulated client of the signaling load test: a WebSocket subscribed to one topic.
import { WebSocket } from 'ws';

export interface Client {
  readonly socket: WebSocket;
  readonly topic: string;
}

/** Opens one client, subscribes it, and resolves once the server has processed the subscribe. */
export async function connectClient(
  url: string,
  topic: string,
  onMessage: (raw: Buffer) => void,
  sockets: WebSocket[],
): Promise<Client> {
  const socket = new WebSocket(url, { perMessageDeflate: false });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no subscription ack from ${url}`)), 15_000);
    socket.once('error', (error) => (clearTimeout(timer), reject(error)));
    socket.once('open', () => {
      socket.send(JSON.stringify({ type: 'subscribe', topics: [topic] }));
      // Frames are handled in order, so the pong proves the subscribe took effect.
      socket.send(JSON.stringify({ type: 'ping' }));
    });
    socket.on('message', (raw: Buffer) => {
      if (raw.length < 20 && raw.toString().includes('"pong"')) {
        clearTimeout(timer);
        resolve();
      } else {
        onMessage(raw);
      }
    });
  });
  return { socket, topic };
}
