/**
 * Just enough of a TURN client (RFC 5766 Allocate over UDP with RFC 5389 long-term
 * credentials) to ask a real coturn whether it accepts a username and password.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';

const MAGIC_COOKIE = 0x2112a442;
const ALLOCATE = 0x0003;
const ALLOCATE_SUCCESS = 0x0103;
const ATTR = {
  username: 0x0006,
  messageIntegrity: 0x0008,
  errorCode: 0x0009,
  realm: 0x0014,
  nonce: 0x0015,
  requestedTransport: 0x0019,
} as const;

/** What coturn answered to an Allocate. */
export type AllocateOutcome = { readonly ok: true } | { readonly ok: false; readonly code: number };

function attribute(type: number, value: Buffer): Buffer {
  const padded = Buffer.alloc(4 + Math.ceil(value.length / 4) * 4);
  padded.writeUInt16BE(type, 0);
  padded.writeUInt16BE(value.length, 2);
  value.copy(padded, 4);
  return padded;
}

function message(type: number, id: Buffer, attributes: Buffer[], integrityKey?: Buffer): Buffer {
  const body = Buffer.concat(attributes);
  const header = Buffer.alloc(20);
  header.writeUInt16BE(type, 0);
  header.writeUInt32BE(MAGIC_COOKIE, 4);
  id.copy(header, 8);
  if (integrityKey === undefined) {
    header.writeUInt16BE(body.length, 2);
    return Buffer.concat([header, body]);
  }
  // MESSAGE-INTEGRITY covers the message with its length already counting the 24-byte attribute.
  header.writeUInt16BE(body.length + 24, 2);
  const mac = createHmac('sha1', integrityKey)
    .update(Buffer.concat([header, body]))
    .digest();
  return Buffer.concat([header, body, attribute(ATTR.messageIntegrity, mac)]);
}

function attributesOf(reply: Buffer): Map<number, Buffer> {
  const found = new Map<number, Buffer>();
  let offset = 20;
  while (offset + 4 <= reply.length) {
    const type = reply.readUInt16BE(offset);
    const length = reply.readUInt16BE(offset + 2);
    found.set(type, reply.subarray(offset + 4, offset + 4 + length));
    offset += 4 + Math.ceil(length / 4) * 4;
  }
  return found;
}

/** Sends `request` and resolves with the first answer of the same transaction (UDP: resent). */
async function exchange(
  socket: Socket,
  port: number,
  request: Buffer,
  id: Buffer,
  ms: number,
): Promise<Buffer> {
  let retry: NodeJS.Timeout | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      retry = setInterval(() => socket.send(request, port, '127.0.0.1'), 250);
      timer = setTimeout(() => reject(new Error(`no TURN answer within ${ms} ms`)), ms);
      socket.removeAllListeners('message');
      socket.on('message', (reply) => {
        if (reply.length >= 20 && reply.subarray(8, 20).equals(id)) resolve(reply);
      });
      socket.send(request, port, '127.0.0.1');
    });
  } finally {
    clearInterval(retry);
    clearTimeout(timer);
  }
}

/**
 * Asks the TURN server on 127.0.0.1:`port` for a UDP relay with `username` and `password`:
 * the unauthenticated Allocate gets the realm and nonce, the second one is signed with them.
 */
export async function tryAllocate(
  port: number,
  username: string,
  password: string,
  ms = 5000,
): Promise<AllocateOutcome> {
  // One socket for both requests: coturn ties the nonce to the client's address and port.
  const socket = createSocket('udp4');
  socket.on('error', () => undefined); // a send error ends as the timeout, with its message
  try {
    return await allocate(socket, port, username, password, ms);
  } finally {
    socket.close();
  }
}

async function allocate(
  socket: Socket,
  port: number,
  username: string,
  password: string,
  ms: number,
): Promise<AllocateOutcome> {
  const transport = attribute(ATTR.requestedTransport, Buffer.from([17, 0, 0, 0]));
  const firstId = randomBytes(12);
  const challenge = attributesOf(
    await exchange(socket, port, message(ALLOCATE, firstId, [transport]), firstId, ms),
  );
  const realm = challenge.get(ATTR.realm);
  const nonce = challenge.get(ATTR.nonce);
  if (realm === undefined || nonce === undefined) throw new Error('no realm/nonce challenge');
  const key = createHash('md5').update(`${username}:${realm.toString()}:${password}`).digest();
  const id = randomBytes(12);
  const signed = message(
    ALLOCATE,
    id,
    [
      transport,
      attribute(ATTR.username, Buffer.from(username)),
      attribute(ATTR.realm, realm),
      attribute(ATTR.nonce, nonce),
    ],
    key,
  );
  const reply = await exchange(socket, port, signed, id, ms);
  if (reply.readUInt16BE(0) === ALLOCATE_SUCCESS) return { ok: true };
  const error = attributesOf(reply).get(ATTR.errorCode);
  const code = error === undefined ? 0 : (error[2] ?? 0) * 100 + (error[3] ?? 0);
  return { ok: false, code };
}
