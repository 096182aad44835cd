// Yjs reads and writes every string of an update through lib0, one TextDecoder.decode or
// TextEncoder.encodeInto call per string: an entry's keys, ids and texts, about a dozen strings
// per message. For strings this short the call costs more than the work (measured in Chromium:
// decode about 1.3 us per call against 0.2 us from char codes; encodeInto into lib0's
// 30,000-byte scratch buffer about 4 us), so a 100,000-message state took 2.7-5.6 s to encode
// and 3.5-5.3 s to decode on a loaded machine, and 1.2-1.5 s and 1.0-1.9 s with short ASCII
// strings done here (prof: one run each, same page).
//
// lib0 looks both codecs up on its own instances at every call (lib0/string's utf8TextEncoder
// and utf8TextDecoder), so giving those two instances a fast path for short ASCII strings
// speeds up Yjs everywhere in the page and touches no other TextEncoder. Anything else (longer
// strings, any byte or unit above 0x7f) goes to the platform as before, with its checks: lib0's
// decoder is fatal, and an invalid sequence still throws. lib0 is pinned in package.json;
// shortStrings.test.ts fails if an upgrade stops routing Yjs through these instances.
import { utf8TextDecoder, utf8TextEncoder } from 'lib0/string';

/** Longest string (in UTF-16 units, or bytes) taken by the fast path. */
const SHORT = 64;

let installed = false;

/** Installs the fast path on lib0's codec instances (once per page; later calls do nothing). */
export function speedUpShortStrings(): void {
  if (installed) return;
  installed = true;
  const encoder = utf8TextEncoder as TextEncoder | null;
  const decoder = utf8TextDecoder;
  if (encoder) {
    const encodeInto = encoder.encodeInto.bind(encoder);
    encoder.encodeInto = (text: string, into: Uint8Array): TextEncoderEncodeIntoResult => {
      const n = text.length;
      if (n > SHORT || n > into.length) return encodeInto(text, into);
      for (let i = 0; i < n; i += 1) {
        const unit = text.charCodeAt(i);
        if (unit > 0x7f) return encodeInto(text, into);
        into[i] = unit;
      }
      return { read: n, written: n };
    };
  }
  if (decoder) {
    const decode = decoder.decode.bind(decoder);
    decoder.decode = (input?: AllowSharedBufferSource, options?: TextDecodeOptions): string => {
      if (options !== undefined || !(input instanceof Uint8Array) || input.length > SHORT) {
        return decode(input, options);
      }
      for (let i = 0; i < input.length; i += 1) {
        if ((input[i] ?? 0) > 0x7f) return decode(input);
      }
      return String.fromCharCode.apply(null, input as unknown as number[]);
    };
  }
}
