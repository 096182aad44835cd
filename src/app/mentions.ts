// @mentions: a message mentions a user when its text has "@" followed by the user's display
// name, as a whole word (case and compatibility forms ignored). The composer offers the
// room's participants after "@"; a mention of this user is shown marked and notifies, where
// a plain message in a group room does not.

/** A character that continues a word. */
const WORD = /[\p{L}\p{N}_]/u;

/** Whether `text` mentions someone named `name` ("@Ann", "@ann,", "hi @Ann Lee!"). */
export function mentions(text: string, name: string | undefined): boolean {
  const wanted = fold(name ?? '');
  if (wanted === '') return false;
  const folded = fold(text);
  for (let at = folded.indexOf('@'); at >= 0; at = folded.indexOf('@', at + 1)) {
    if (!folded.startsWith(wanted, at + 1)) continue;
    // An "@" inside a word is an address (ann@example.com), not a mention.
    if (at > 0 && WORD.test(folded.charAt(at - 1))) continue;
    const after = folded.charAt(at + 1 + wanted.length);
    if (after === '' || !WORD.test(after)) return true;
  }
  return false;
}

/**
 * The mention being typed at `caret` in `text`: the query after the last "@" that starts a
 * word, or undefined when the caret is not in one. `start` is the index of the "@".
 */
export function mentionAt(
  text: string,
  caret: number,
): { readonly start: number; readonly query: string } | undefined {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf('@');
  if (at < 0) return undefined;
  if (at > 0 && WORD.test(before.charAt(at - 1))) return undefined;
  const query = before.slice(at + 1);
  // A mention is a name: at most a few words, no line break.
  if (query.length > 40 || /[\n@]/.test(query) || /\s\s/.test(query)) return undefined;
  return { start: at, query };
}

/** The names that complete `query`, best first: those it starts, then those it appears in. */
export function completions(query: string, names: readonly string[], max = 6): string[] {
  const q = fold(query);
  const unique = [...new Set(names.filter((n) => n.trim() !== ''))];
  const starts = unique.filter((n) => fold(n).startsWith(q));
  const contains = unique.filter((n) => !fold(n).startsWith(q) && fold(n).includes(q));
  return [...starts, ...contains].slice(0, max);
}

function fold(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}
