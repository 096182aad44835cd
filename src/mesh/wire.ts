// The mesh's own messages between two neighbours. They travel beside y-webrtc's sync messages
// (on the chunked channel's side lane in the app, on a simulated link in the simulation), so
// y-webrtc never sees them. Every field is checked on the way in: a malformed frame from a
// peer is counted and dropped by the caller (decode returns undefined), never thrown onward.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** A (Yjs client id, clock) pair: "I have everything of this writer up to this clock". */
export interface ClockEntry {
  readonly client: number;
  readonly clock: number;
}

/** A presence heartbeat entry: one member's counter and the version of its full state. */
export interface Beat {
  readonly member: number;
  readonly counter: number;
  readonly version: number;
}

export type MeshMessage =
  /** Yjs updates pushed eagerly (merged per batch); `hops` is how far the oldest travelled. */
  | { readonly type: 'update'; readonly update: Uint8Array; readonly hops: number }
  /** Lazy push: ids of updates the sender has, for a link off the tree. */
  | { readonly type: 'ihave'; readonly entries: readonly ClockEntry[] }
  /** The sender's state vector: answer with what it lacks; `askBack`: send yours too. */
  | { readonly type: 'sv'; readonly stateVector: Uint8Array; readonly askBack: boolean }
  /** The answer to `sv`: exactly what its sender lacked. */
  | { readonly type: 'diff'; readonly update: Uint8Array }
  /** "You sent me a duplicate": stop pushing to me eagerly, send ids instead. */
  | { readonly type: 'prune' }
  /** "I missed these": push to me eagerly again, and send what follows each clock I have. */
  | { readonly type: 'graft'; readonly entries: readonly ClockEntry[] }
  | { readonly type: 'ping'; readonly nonce: number }
  | { readonly type: 'pong'; readonly nonce: number }
  /** The sender's neighbours, so the receiver can judge redundancy and find new peers. */
  | { readonly type: 'neighbours'; readonly peers: readonly string[] }
  /** "I am full": peers to try instead; the link closes after it. */
  | { readonly type: 'refer'; readonly peers: readonly string[] }
  | { readonly type: 'beats'; readonly beats: readonly Beat[] }
  | { readonly type: 'stateWant'; readonly members: readonly number[] }
  | {
      readonly type: 'states';
      readonly states: readonly { member: number; version: number; state: Uint8Array }[];
    };

export type MeshMessageType = MeshMessage['type'];

const TYPES: readonly MeshMessageType[] = [
  'update',
  'ihave',
  'sv',
  'diff',
  'prune',
  'graft',
  'ping',
  'pong',
  'neighbours',
  'refer',
  'beats',
  'stateWant',
  'states',
];

/** Limits that keep one hostile frame from costing much. */
const MAX_LIST = 4096;
const MAX_PEER_ID = 64;

export function encodeMessage(message: MeshMessage): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeUint8(e, TYPES.indexOf(message.type));
  switch (message.type) {
    case 'update':
      encoding.writeVarUint(e, message.hops);
      encoding.writeVarUint8Array(e, message.update);
      break;
    case 'diff':
      encoding.writeVarUint8Array(e, message.update);
      break;
    case 'ihave':
    case 'graft':
      encoding.writeVarUint(e, message.entries.length);
      for (const { client, clock } of message.entries) {
        encoding.writeVarUint(e, client);
        encoding.writeVarUint(e, clock);
      }
      break;
    case 'sv':
      encoding.writeUint8(e, message.askBack ? 1 : 0);
      encoding.writeVarUint8Array(e, message.stateVector);
      break;
    case 'prune':
      break;
    case 'ping':
    case 'pong':
      encoding.writeVarUint(e, message.nonce);
      break;
    case 'neighbours':
    case 'refer':
      encoding.writeVarUint(e, message.peers.length);
      for (const peer of message.peers) encoding.writeVarString(e, peer);
      break;
    case 'beats':
      encoding.writeVarUint(e, message.beats.length);
      for (const beat of message.beats) {
        encoding.writeVarUint(e, beat.member);
        encoding.writeVarUint(e, beat.counter);
        encoding.writeVarUint(e, beat.version);
      }
      break;
    case 'stateWant':
      encoding.writeVarUint(e, message.members.length);
      for (const member of message.members) encoding.writeVarUint(e, member);
      break;
    case 'states':
      encoding.writeVarUint(e, message.states.length);
      for (const s of message.states) {
        encoding.writeVarUint(e, s.member);
        encoding.writeVarUint(e, s.version);
        encoding.writeVarUint8Array(e, s.state);
      }
      break;
  }
  return encoding.toUint8Array(e);
}

/** Decodes one frame; undefined for anything malformed (the caller counts and drops it). */
export function decodeMessage(bytes: Uint8Array): MeshMessage | undefined {
  try {
    const d = decoding.createDecoder(bytes);
    const message = read(d);
    // Trailing bytes mean a frame this version does not understand.
    return message && !decoding.hasContent(d) ? message : undefined;
  } catch {
    return undefined;
  }
}

function readList<T>(d: decoding.Decoder, item: () => T): T[] | undefined {
  const n = decoding.readVarUint(d);
  if (n > MAX_LIST) return undefined;
  const out: T[] = [];
  for (let i = 0; i < n; i += 1) out.push(item());
  return out;
}

function readPeers(d: decoding.Decoder): string[] | undefined {
  const peers = readList(d, () => decoding.readVarString(d));
  return peers?.every((p) => p.length > 0 && p.length <= MAX_PEER_ID) ? peers : undefined;
}

function read(d: decoding.Decoder): MeshMessage | undefined {
  const type = TYPES[decoding.readUint8(d)];
  switch (type) {
    case 'update': {
      const hops = decoding.readVarUint(d);
      return { type, hops, update: decoding.readVarUint8Array(d) };
    }
    case 'diff':
      return { type, update: decoding.readVarUint8Array(d) };
    case 'ihave':
    case 'graft': {
      const entries = readList(d, () => ({
        client: decoding.readVarUint(d),
        clock: decoding.readVarUint(d),
      }));
      return entries && { type, entries };
    }
    case 'sv': {
      const askBack = decoding.readUint8(d) === 1;
      return { type, askBack, stateVector: decoding.readVarUint8Array(d) };
    }
    case 'prune':
      return { type };
    case 'ping':
    case 'pong':
      return { type, nonce: decoding.readVarUint(d) };
    case 'neighbours':
    case 'refer': {
      const peers = readPeers(d);
      return peers && { type, peers };
    }
    case 'beats': {
      const beats = readList(d, () => ({
        member: decoding.readVarUint(d),
        counter: decoding.readVarUint(d),
        version: decoding.readVarUint(d),
      }));
      return beats && { type, beats };
    }
    case 'stateWant': {
      const members = readList(d, () => decoding.readVarUint(d));
      return members && { type, members };
    }
    case 'states': {
      const states = readList(d, () => ({
        member: decoding.readVarUint(d),
        version: decoding.readVarUint(d),
        state: decoding.readVarUint8Array(d),
      }));
      return states && { type, states };
    }
    default:
      return undefined;
  }
}
