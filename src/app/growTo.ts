// Growing a typed array: the search index keeps one slot per message in typed arrays, which
// double when full so that adding messages stays cheap.

/** `array`, or a copy at least `needed` long (twice as long, when that is more). */
export function growTo<T extends Uint8Array | Uint32Array | Int32Array | Float64Array>(
  array: T,
  needed: number,
): T {
  if (needed <= array.length) return array;
  const next = new (array.constructor as new (n: number) => T)(Math.max(needed, array.length * 2));
  next.set(array);
  return next;
}
