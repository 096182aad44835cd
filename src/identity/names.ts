// Display names are claims anyone can make, so two claims must be compared the way people see
// them: after Unicode normalization, without invisible characters, and by what they look like.

/** Longest display name kept, in UTF-16 code units (after normalization). */
export const MAX_NAME_LENGTH = 64;

/**
 * Code point ranges that render as nothing or reorder text: zero-width spaces and joiners,
 * bidi controls and isolates, the BOM, soft hyphen, variation selectors, tag characters, the
 * other default-ignorable code points, and the C0/C1 controls. A name made "different" with
 * them looks the same.
 */
// prettier-ignore
const INVISIBLE: readonly (readonly [number, number])[] = [
  [0x00, 0x1f], [0x7f, 0x9f], [0xad, 0xad], [0x34f, 0x34f], [0x61c, 0x61c],
  [0x115f, 0x1160], [0x17b4, 0x17b5], [0x180b, 0x180f], [0x200b, 0x200f], [0x202a, 0x202e],
  [0x2060, 0x206f], [0x3164, 0x3164], [0xfe00, 0xfe0f], [0xfeff, 0xfeff], [0xffa0, 0xffa0],
  [0xfff0, 0xfff8], [0x1bca0, 0x1bca3], [0x1d173, 0x1d17a], [0xe0000, 0xe0fff],
];

function isInvisible(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return INVISIBLE.some(([low, high]) => code >= low && code <= high);
}

/**
 * The name as it is kept and shown: NFKC (so fullwidth, ligature and other compatibility forms
 * become their plain letters), without invisible or control characters, whitespace runs
 * collapsed to one space, trimmed, at most {@link MAX_NAME_LENGTH} code units (never ending in
 * half a surrogate pair). Empty when nothing visible is left.
 */
export function normalizeName(name: string): string {
  const visible = Array.from(name.normalize('NFKC'), (char) =>
    // A control (a tab, a line break) separates words; the rest simply goes.
    isInvisible(char) ? ((char.codePointAt(0) ?? 0) <= 0x9f ? ' ' : '') : char,
  ).join('');
  const clean = visible.replace(/\s+/gu, ' ').trim();
  if (clean.length <= MAX_NAME_LENGTH) return clean;
  const cut = clean.slice(0, MAX_NAME_LENGTH);
  return /[\uD800-\uDBFF]$/u.test(cut) ? cut.slice(0, -1).trimEnd() : cut.trimEnd();
}

/**
 * Look-alikes of Latin letters and digits, after lower-casing, from Unicode's confusables data
 * (UTS #39, confusables.txt): Cyrillic, Greek and Armenian letters, plus the Latin letters
 * and digits that data maps onto each other. Every target is a plain Latin letter that no
 * other entry maps further, so the mapping is applied once. A small table, not the whole file: it
 * covers the scripts a name is most often forged with; anything it misses still differs in
 * its key tag, which is shown whenever names clash.
 */
// prettier-ignore
const CONFUSABLES: Readonly<Record<string, string>> = {
  // Cyrillic
  а: 'a', в: 'b', г: 'r', д: 'a', е: 'e', ё: 'e', з: '3', и: 'u', к: 'k', л: 'n', м: 'm',
  н: 'h', о: 'o', п: 'n', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', ѕ: 's', і: 'l', ї: 'l',
  ј: 'j', һ: 'h', ԁ: 'd', ԛ: 'q', ԝ: 'w', ӏ: 'l', ь: 'b', ы: 'bl', ч: '4', ш: 'w', щ: 'w',
  ӧ: 'o', ӱ: 'y', ү: 'y', ғ: 'f', ҝ: 'k', ҟ: 'k', ҥ: 'h', ҫ: 'c', ҳ: 'x', ѵ: 'v', ѡ: 'w',
  // Greek
  α: 'a', β: 'b', γ: 'y', δ: 'd', ε: 'e', ζ: 'z', η: 'n', ι: 'l', κ: 'k', ν: 'v', ο: 'o',
  ρ: 'p', σ: 'o', τ: 't', υ: 'u', χ: 'x', ω: 'w', ϲ: 'c', ϳ: 'j', ϱ: 'p', ϵ: 'e',
  // Armenian
  ա: 'w', հ: 'h', ո: 'n', ս: 'u', օ: 'o', զ: 'q', ց: 'g', ք: 'p',
  // Latin look-alikes of Latin, and digits
  ı: 'l', ȷ: 'j', ɑ: 'a', ɡ: 'g', ɩ: 'l', ɪ: 'l', ʟ: 'l', ᴅ: 'd', ᴏ: 'o', ᴠ: 'v', ᴡ: 'w',
  ſ: 'f', ƅ: 'b', ǝ: 'e', ɛ: 'e', ʋ: 'u',
  // A capital I, a lower-case l and a one look alike in many fonts: one letter here.
  i: 'l', '0': 'o', '1': 'l', '|': 'l', '!': 'l', '@': 'a', $: 's',
};
/** Letter pairs that read as one letter in most fonts (UTS #39 maps `m` to `rn`). */
const DIGRAPHS: readonly (readonly [RegExp, string])[] = [
  [/rn/gu, 'm'],
  [/vv/gu, 'w'],
];
const MARKS = /\p{M}/gu;
const SPACES_AND_DASHES = /[\s\p{Pd}_.·]/gu;

/**
 * What a name looks like, in the spirit of a UTS #39 skeleton: two names with the same
 * skeleton could be taken for one another. Case, accents, spacing, dashes and dots are
 * ignored, look-alike letters of other scripts become the Latin letter they resemble, and
 * `rn` reads as `m`. It errs on the side of calling names alike: a false match only shows a
 * key tag beside a name.
 */
export function nameSkeleton(name: string): string {
  let text = normalizeName(name).toLowerCase().normalize('NFD').replace(MARKS, '');
  text = Array.from(text, (char) => CONFUSABLES[char] ?? char).join('');
  for (const [pattern, replacement] of DIGRAPHS) text = text.replace(pattern, replacement);
  return text.replace(SPACES_AND_DASHES, '');
}

/** Whether two names could be taken for one another (see {@link nameSkeleton}). */
export function namesClash(a: string, b: string): boolean {
  const skeleton = nameSkeleton(a);
  return skeleton !== '' && skeleton === nameSkeleton(b);
}
