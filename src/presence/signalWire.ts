// Presence signals: what travels beside the awareness on the data channels' side lane, in one
// frame of entries (a count, then each entry's kind and fields). Beats renew a card without
// resending it; typing goes to direct neighbours only; a reader that lacks a card asks for it.
// See docs/LOG_SCHEMA.md, "Presence: beats and typing". Decoding is bounded and never throws.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** "The card of `client` signed at `t` still stands": renews it for `iv` more intervals. */
export interface Beat {
  readonly kind: 'beat';
  readonly client: number;
  /** The `t` of the card it renews. */
  readonly t: number;
  /** When it was signed (the signer's clock, ms); newer than every beat of that client before. */
  readonly at: number;
  /** The signer's renewal interval (ms); readers bound it. */
  readonly iv: number;
  readonly sig: Uint8Array;
}

/** "`client` is typing" (or stopped): sent to direct neighbours only, never relayed. */
export interface Typing {
  readonly kind: 'typing';
  readonly client: number;
  readonly at: number;
  readonly on: boolean;
  readonly sig: Uint8Array;
}

/** "Send me the card of `client`": a beat came for a card this reader lacks. */
export interface CardWant {
  readonly kind: 'want';
  readonly client: number;
}

/** Cards asked for, as a y-protocols awareness update (it goes through the gate). */
export interface Cards {
  readonly kind: 'cards';
  readonly update: Uint8Array;
}

export type Signal = Beat | Typing | CardWant | Cards;

const KINDS = ['beat', 'typing', 'want', 'cards'] as const;
/** Entries read from one frame; more are ignored. */
export const MAX_SIGNALS = 1024;
const SIG_BYTES = 64;
/** A cards entry is at most a few cards (the gate bounds each state again). */
const MAX_CARDS_BYTES = 64 * 1024;

export function encodeSignals(signals: readonly Signal[]): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, signals.length);
  for (const s of signals) {
    encoding.writeUint8(e, KINDS.indexOf(s.kind));
    switch (s.kind) {
      case 'beat':
        encoding.writeVarUint(e, s.client);
        encoding.writeVarUint(e, s.t);
        encoding.writeVarUint(e, s.at);
        encoding.writeVarUint(e, s.iv);
        encoding.writeUint8Array(e, s.sig);
        break;
      case 'typing':
        encoding.writeVarUint(e, s.client);
        encoding.writeVarUint(e, s.at);
        encoding.writeUint8(e, s.on ? 1 : 0);
        encoding.writeUint8Array(e, s.sig);
        break;
      case 'want':
        encoding.writeVarUint(e, s.client);
        break;
      case 'cards':
        encoding.writeVarUint8Array(e, s.update);
        break;
    }
  }
  return encoding.toUint8Array(e);
}

/** The entries of a frame; undefined when it does not decode (truncated, unknown kind). */
export function decodeSignals(frame: Uint8Array): Signal[] | undefined {
  try {
    const d = decoding.createDecoder(frame);
    const count = Math.min(decoding.readVarUint(d), MAX_SIGNALS);
    const out: Signal[] = [];
    for (let i = 0; i < count; i += 1) {
      const kind = KINDS[decoding.readUint8(d)];
      const client = kind === 'cards' ? 0 : decoding.readVarUint(d);
      if (kind === 'beat') {
        const t = decoding.readVarUint(d);
        const at = decoding.readVarUint(d);
        const iv = decoding.readVarUint(d);
        out.push({ kind, client, t, at, iv, sig: decoding.readUint8Array(d, SIG_BYTES) });
      } else if (kind === 'typing') {
        const at = decoding.readVarUint(d);
        const on = decoding.readUint8(d) === 1;
        out.push({ kind, client, at, on, sig: decoding.readUint8Array(d, SIG_BYTES) });
      } else if (kind === 'want') {
        out.push({ kind, client });
      } else if (kind === 'cards') {
        const update = decoding.readVarUint8Array(d);
        if (update.byteLength > MAX_CARDS_BYTES) return undefined;
        out.push({ kind, update });
      } else {
        return undefined;
      }
    }
    return out;
  } catch {
    return undefined;
  }
}

const encoder = new TextEncoder();

/** The bytes a beat's signature covers: the room, the client, the card it renews, when, how often. */
export function beatBytes(
  context: string,
  b: Pick<Beat, 'client' | 't' | 'at' | 'iv'>,
): Uint8Array {
  return encoder.encode(JSON.stringify(['meshchat-beat/1', context, b.client, b.t, b.at, b.iv]));
}

/** The bytes a typing signal's signature covers. */
export function typingBytes(context: string, s: Pick<Typing, 'client' | 'at' | 'on'>): Uint8Array {
  return encoder.encode(JSON.stringify(['meshchat-typing/1', context, s.client, s.at, s.on]));
}
