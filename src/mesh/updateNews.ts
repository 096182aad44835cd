import * as Y from 'yjs';

/** An update's ids, and how many of its clock units are new here and how many are not. */
export interface UpdateNews {
  readonly meta: { from: Map<number, number>; to: Map<number, number> };
  readonly fresh: number;
  readonly stale: number;
}

/** What `update` would bring `doc`, read from its ids alone; undefined if it is malformed. */
export function newsOf(doc: Y.Doc, update: Uint8Array): UpdateNews | undefined {
  let meta: { from: Map<number, number>; to: Map<number, number> };
  try {
    meta = Y.parseUpdateMeta(update);
  } catch {
    return undefined;
  }
  let fresh = 0;
  let stale = 0;
  for (const [client, to] of meta.to) {
    const start = meta.from.get(client) ?? 0;
    const have = Y.getState(doc.store, client);
    const gain = Math.max(0, to - Math.max(start, have));
    fresh += gain;
    stale += to - start - gain;
  }
  return { meta, fresh, stale };
}

/**
 * `stateVector` raised by what a link already carries (client -> the range in flight): a
 * client whose clock lies within a carried range counts as having all of it.
 */
export function raiseByCarried(
  stateVector: Uint8Array,
  carried: ReadonlyMap<number, { readonly clock: number; readonly end: number }> | undefined,
): Uint8Array {
  if (!carried || carried.size === 0) return stateVector;
  const vector = Y.decodeStateVector(stateVector);
  let raised = false;
  for (const [client, { clock, end }] of carried) {
    const has = vector.get(client) ?? 0;
    if (clock <= has && has < end) {
      vector.set(client, end);
      raised = true;
    }
  }
  return raised ? Y.encodeStateVector(vector) : stateVector;
}
