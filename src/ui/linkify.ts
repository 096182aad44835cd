// Message text with its web links made clickable, safely: the text is rendered by lit as text
// (escaped, never parsed as HTML), and only http(s) URLs become links, opened in a new tab with
// rel="noopener noreferrer" so the linked page gets no handle on this one. A bare `www.` address
// is a link too, to https: as people type them and as other chat apps treat them.
import { html, type TemplateResult } from 'lit';

const URL_PATTERN = /\b(?:https?:\/\/|www\.)[^\s<>"']+/gi;
/** Punctuation that usually ends a sentence rather than a URL. */
const TRAILING = /[.,;:!?)\]}'"]+$/;

/** Splits text into plain strings and safe links. */
export function linkify(text: string): (string | TemplateResult)[] {
  const parts: (string | TemplateResult)[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index;
    let url = match[0];
    const trailing = TRAILING.exec(url)?.[0] ?? '';
    url = url.slice(0, url.length - trailing.length);
    const bare = !/^https?:/i.test(url);
    // A bare "www." needs a dot after it and a host, else it is just a word.
    if (bare && !/^www\.[^./]+\.[^.]/i.test(url)) continue;
    const href = safeHref(bare ? `https://${url}` : url);
    if (!href) continue;
    if (start > last) parts.push(text.slice(last, start));
    parts.push(html`<a href=${href} target="_blank" rel="noopener noreferrer">${url}</a>`);
    last = start + url.length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

/** The URL if it parses as http: or https:, else undefined. */
export function safeHref(candidate: string): string | undefined {
  try {
    const url = new URL(candidate);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
