/**
 * The framing of this app's data channels (docs/LOG_SCHEMA.md, "Transport"): every frame is
 * one flag byte, then payload. The first frame each side sends is HELLO, so a peer that does
 * not frame (stock y-webrtc, whose sync message starts with byte 0 and awareness with byte 1)
 * is recognised by its first frame and refused, instead of being misread as frames.
 */

/** An ordinary (y-webrtc) message in one frame. */
export const WHOLE = 0;
/** A piece of a message; more follow. Also starts an ordinary message in pieces. */
export const PART = 1;
/** The final piece of a message. */
export const LAST = 2;
/** A side message (this app's own traffic, never given to y-webrtc) in one frame. */
export const SIDE_WHOLE = 3;
/** The first piece of a side message, continued with PART / LAST. */
export const SIDE_FIRST = 4;
/** A deflate-raw compressed ordinary message in one frame. */
export const Z_WHOLE = 5;
/** The first piece of a compressed ordinary message, continued with PART / LAST. */
export const Z_FIRST = 6;
/** A compressed side message in one frame. */
export const Z_SIDE_WHOLE = 7;
/** The first piece of a compressed side message, continued with PART / LAST. */
export const Z_SIDE_FIRST = 8;
/** The first frame on a channel, from each side: the payload is HELLO_TEXT in UTF-8. */
export const HELLO = 9;
export const HELLO_TEXT = 'meshchat-frames/1';

/** Payload bytes per frame: far below every browser's limit (256 KiB in Chromium). */
export const CHUNK_BYTES = 64 * 1024;
/**
 * Messages this large or larger are compressed. Below it, compressing saves little and its
 * asynchronous round trip would add latency to every chat message.
 */
export const COMPRESS_MIN_BYTES = 16 * 1024;

export const HELLO_FRAME: Uint8Array<ArrayBuffer> = (() => {
  const text = new TextEncoder().encode(HELLO_TEXT);
  const framed = new Uint8Array(1 + text.byteLength);
  framed[0] = HELLO;
  framed.set(text, 1);
  return framed;
})();

/** Whether `frame` (flag byte included) is exactly the HELLO frame. */
export function isHello(frame: Uint8Array): boolean {
  return frame.byteLength === HELLO_FRAME.byteLength && frame.every((b, i) => b === HELLO_FRAME[i]);
}

/** A frame of `flag` and `bytes[start, end)`. */
export function frame(
  flag: number,
  bytes: Uint8Array,
  start = 0,
  end = bytes.byteLength,
): Uint8Array<ArrayBuffer> {
  const framed = new Uint8Array(1 + end - start);
  framed[0] = flag;
  framed.set(bytes.subarray(start, end), 1);
  return framed;
}
