// Decoding a whole update into Yjs structs (rootFilter.ts) costs about as much again as applying
// it, most of it in building the content (every value of every entry). An update that puts
// nothing under another root, the common case, needs none of that: this reads only the
// structure of a Yjs v1 update, the way Yjs reads it (readClientsStructRefs and
// readItemContent in yjs), skipping content without building it, and tells whether any item
// names a root outside the allowed set, and which clocks of which client each run of structs
// covers (so runs the document holds already can be left out, see heldRuns.ts). Anything it
// does not recognise sends the update the long way (a full decode), which either filters it or
// rejects it.
import * as decoding from 'lib0/decoding';

/** The structure cannot be read here; decode it fully. */
class Unreadable extends Error {}

/** Info bits of a Yjs struct: content ref in the low five, then parent sub, right and left origin. */
const BITS5 = 31;
const BIT6 = 32;
const BIT7 = 64;
const BIT8 = 128;
/** Content refs and type refs of Yjs 13. */
const GC_REF = 0;
const SKIP_REF = 10;
const XML_ELEMENT = 3;
const XML_HOOK = 5;

/** One client's run of structs in an update: where its bytes are and which clocks it covers. */
export interface RunLayout {
  readonly client: number;
  /** Its first clock. */
  readonly clock: number;
  /** The clock after its last struct; NaN when a struct's length is not read here. */
  readonly end: number;
  /** Its bytes in the update: [from, to), from the struct count on. */
  readonly from: number;
  readonly to: number;
}

/** The structure of a Yjs v1 update, read without building its content. */
export interface UpdateLayout {
  readonly runs: readonly RunLayout[];
  /** Where the delete set starts (it runs to the end). */
  readonly dsFrom: number;
  /** Whether some item names a root outside the allowed set. */
  readonly otherRoot: boolean;
}

/**
 * The structure of `update` (Yjs v1): its client runs and whether any item whose parent is a
 * root names one outside `roots` (none does when `roots` is not given). Undefined when the
 * structure is not one this reads (then the full decode decides).
 */
export function scanUpdate(
  update: Uint8Array,
  roots?: ReadonlySet<string>,
): UpdateLayout | undefined {
  try {
    return scan(decoding.createDecoder(update), roots);
  } catch {
    return undefined;
  }
}

/**
 * Whether every item of `update` (Yjs v1) whose parent is a root names one in `roots`. False
 * when some item names another root, and when the update's structure is not one this reads
 * (then the full decode decides).
 */
export function onlyRoots(update: Uint8Array, roots: ReadonlySet<string>): boolean {
  const layout = scanUpdate(update, roots);
  return layout !== undefined && !layout.otherRoot;
}

function scan(d: decoding.Decoder, roots: ReadonlySet<string> | undefined): UpdateLayout {
  const clients = decoding.readVarUint(d);
  const runs: RunLayout[] = [];
  let otherRoot = false;
  const onRoot = (root: string): void => {
    if (roots && !roots.has(root)) otherRoot = true;
  };
  for (let c = 0; c < clients; c += 1) {
    const from = d.pos;
    const structs = decoding.readVarUint(d);
    const client = decoding.readVarUint(d);
    const clock = decoding.readVarUint(d);
    let end = clock;
    for (let s = 0; s < structs; s += 1) end += skipStruct(d, onRoot);
    runs.push({ client, clock, end, from, to: d.pos });
  }
  return { runs, dsFrom: d.pos, otherRoot };
}

/**
 * Skips one struct of a Yjs v1 update; returns its length in clocks (NaN for a string, whose
 * length is not worked out here). `onRoot` hears the root an item names as its parent.
 */
export function skipStruct(d: decoding.Decoder, onRoot?: (root: string) => void): number {
  const info = decoding.readUint8(d);
  const ref = info & BITS5;
  if (ref === GC_REF || ref === SKIP_REF) return decoding.readVarUint(d);
  if ((info & BIT8) !== 0) skipId(d); // origin
  if ((info & BIT7) !== 0) skipId(d); // right origin
  if ((info & (BIT7 | BIT8)) === 0) {
    // No origin: the parent is written, a root's name or an item's id.
    if (decoding.readVarUint(d) === 1) {
      const root = decoding.readVarString(d);
      onRoot?.(root);
    } else {
      skipId(d);
    }
    if ((info & BIT6) !== 0) skipString(d); // parent sub (a map key)
  }
  return skipContent(d, ref);
}

function skipId(d: decoding.Decoder): void {
  decoding.readVarUint(d);
  decoding.readVarUint(d);
}

function skipBytes(d: decoding.Decoder, n: number): void {
  if (d.pos + n > d.arr.length) throw new Unreadable('past the end');
  d.pos += n;
}

/** A lib0 var string or var byte array: a length, then the bytes. */
function skipString(d: decoding.Decoder): void {
  skipBytes(d, decoding.readVarUint(d));
}

/** Skips an item's content; returns its length in clocks (NaN for a string, not counted here). */
function skipContent(d: decoding.Decoder, ref: number): number {
  switch (ref) {
    case 1: // deleted: a length
      return decoding.readVarUint(d);
    case 2: {
      // JSON: a count, then strings
      const n = decoding.readVarUint(d);
      for (let i = 0; i < n; i += 1) skipString(d);
      return n;
    }
    case 4: // string: as long as its UTF-16 form, which is not worked out here
      skipString(d);
      return NaN;
    case 3: // binary
    case 5: // embed (JSON as a string)
      skipString(d);
      return 1;
    case 6: // format: key, JSON value
      skipString(d);
      skipString(d);
      return 1;
    case 7: {
      // type: a type ref, and a node name for XML elements and hooks
      const type = decoding.readVarUint(d);
      if (type === XML_ELEMENT || type === XML_HOOK) skipString(d);
      else if (type > 6) throw new Unreadable('type ref');
      return 1;
    }
    case 8: {
      // any: a count, then lib0 any values
      const n = decoding.readVarUint(d);
      for (let i = 0; i < n; i += 1) skipAny(d);
      return n;
    }
    case 9: // doc: guid, options
      skipString(d);
      skipAny(d);
      return 1;
    default:
      throw new Unreadable('content ref');
  }
}

/** Skips one value as lib0's writeAny wrote it. */
function skipAny(d: decoding.Decoder): void {
  switch (decoding.readUint8(d)) {
    case 127: // undefined
    case 126: // null
    case 121: // false
    case 120: // true
      return;
    case 125: // var int
      decoding.readVarInt(d);
      return;
    case 124: // float32
      skipBytes(d, 4);
      return;
    case 123: // float64
    case 122: // bigint64
      skipBytes(d, 8);
      return;
    case 119: // string
    case 116: // Uint8Array
      skipString(d);
      return;
    case 118: {
      // object: a count, then key and value pairs
      const n = decoding.readVarUint(d);
      for (let i = 0; i < n; i += 1) {
        skipString(d);
        skipAny(d);
      }
      return;
    }
    case 117: {
      // array
      const n = decoding.readVarUint(d);
      for (let i = 0; i < n; i += 1) skipAny(d);
      return;
    }
    default:
      throw new Unreadable('any type');
  }
}
