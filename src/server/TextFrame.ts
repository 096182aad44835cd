/**
 * Server-to-client WebSocket text frames (RFC 6455 section 5.2), built once per relayed message.
 *
 * Why not ws's send(): a publish reaches every subscriber of a room, and ws frames each send
 * anew (a fresh header, a cork, a two-chunk writev). Encoding the complete frame once and
 * writing the same Buffer to each socket roughly halves the user-space cost of a delivery.
 * This is sound because the server disables permessage-deflate and never sends Blobs, so ws
 * writes each of its own frames (pongs, close frames) to the socket synchronously and whole:
 * frames from ws and from here can interleave only at frame boundaries.
 */

/** FIN bit plus opcode 0x1 (text): a complete, unfragmented text message. */
const FIN_TEXT = 0x81;

/** Header size for a payload of `length` bytes (server frames are never masked). */
function headerLength(length: number): number {
  if (length < 126) return 2;
  return length < 0x10000 ? 4 : 10;
}

/**
 * Encodes `text` as one unmasked WebSocket text frame, header included, ready to be written
 * to any number of client sockets.
 */
export function encodeTextFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const offset = headerLength(length);
  const frame = Buffer.allocUnsafe(offset + length);
  frame[0] = FIN_TEXT;
  if (offset === 2) {
    frame[1] = length;
  } else if (offset === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  frame.write(text, offset);
  return frame;
}
