/**
 * The least a Node signaling relay can do, as the signaling benchmark's floor: WebSocket
 * frames parsed by hand, each publish relayed as it came (no checks, limits, heartbeats or
 * `clients` count), one write(2) per delivery straight to the socket's descriptor.
 *
 * It is not a server to run: it trusts every byte and keeps no promise of the real one
 * (src/server). It answers one question: how much CPU per delivered message does a relay in
 * Node cost before doing anything a real server must do? The benchmark reports that beside
 * ours and the stock server, so a target below it reads as a target for another runtime.
 *
 * Run: PORT=... HOST=... node bareRelay.js (the benchmark compiles it to plain JS first).
 */
import { createHash } from 'node:crypto';
import { writeSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';

import { encodeTextFrame } from '../server/TextFrame';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

interface Member {
  readonly socket: Socket;
  readonly fd: number;
  readonly topics: string[];
  pending: Buffer;
  upgraded: boolean;
}

const rooms = new Map<string, Set<Member>>();

/** One write(2) to the descriptor; whatever the kernel does not take goes through the stream. */
function deliver(member: Member, frame: Buffer): void {
  const { socket, fd } = member;
  if (fd >= 0 && socket.writableLength === 0) {
    try {
      const written = writeSync(fd, frame);
      if (written === frame.length) return;
      socket.write(frame.subarray(written));
      return;
    } catch {
      // EAGAIN or a closed peer: the stream queues it or meets the same error itself.
    }
  }
  socket.write(frame);
}

function onText(member: Member, payload: Buffer): void {
  const text = payload.toString('utf8');
  const message = JSON.parse(text) as {
    type?: string;
    topic?: string;
    topics?: string[];
  };
  if (message.type === 'publish' && message.topic !== undefined) {
    const frame = encodeTextFrame(text);
    for (const receiver of rooms.get(message.topic) ?? []) deliver(receiver, frame);
  } else if (message.type === 'subscribe') {
    for (const topic of message.topics ?? []) {
      let room = rooms.get(topic);
      if (room === undefined) rooms.set(topic, (room = new Set()));
      room.add(member);
      member.topics.push(topic);
    }
  } else if (message.type === 'ping') {
    deliver(member, encodeTextFrame('{"type":"pong"}'));
  }
}

/** Consumes whole frames from the member's buffer (client frames are always masked). */
function readFrames(member: Member): void {
  let data = member.pending;
  for (;;) {
    if (data.length < 2) break;
    const opcode = (data[0] ?? 0) & 0x0f;
    let length = (data[1] ?? 0) & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (data.length < 4) break;
      length = data.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (data.length < 10) break;
      length = Number(data.readBigUInt64BE(2));
      offset = 10;
    }
    if (data.length < offset + 4 + length) break;
    const mask = data.subarray(offset, offset + 4);
    const payload = Buffer.from(data.subarray(offset + 4, offset + 4 + length));
    for (let i = 0; i < length; i += 1) payload[i] = (payload[i] ?? 0) ^ (mask[i & 3] ?? 0);
    data = data.subarray(offset + 4 + length);
    if (opcode === 0x1) onText(member, payload);
    else if (opcode === 0x8) member.socket.end();
  }
  member.pending = data;
}

function upgrade(member: Member): void {
  const text = member.pending.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end === -1) return;
  const key = /sec-websocket-key:\s*(\S+)/i.exec(text)?.[1] ?? '';
  const accept = createHash('sha1')
    .update(key + GUID)
    .digest('base64');
  member.socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
  );
  member.upgraded = true;
  member.pending = member.pending.subarray(end + 4);
}

const server = createServer((socket) => {
  socket.setNoDelay(true);
  const handle = (socket as unknown as { _handle: { fd?: number } | null })._handle;
  const member: Member = {
    socket,
    fd: handle?.fd ?? -1,
    topics: [],
    pending: Buffer.alloc(0),
    upgraded: false,
  };
  socket.on('data', (chunk: Buffer) => {
    member.pending = member.pending.length === 0 ? chunk : Buffer.concat([member.pending, chunk]);
    if (!member.upgraded) upgrade(member);
    if (member.upgraded) readFrames(member);
  });
  const leave = (): void => {
    for (const topic of member.topics) rooms.get(topic)?.delete(member);
  };
  socket.on('close', leave);
  socket.on('error', leave);
});

server.listen(Number(process.env['PORT'] ?? 0), process.env['HOST'] ?? '127.0.0.1');
