import * as Y from 'yjs';
import { MESSAGES_ROOT, PAGES_ROOT } from '../../log/schema';

/** The maps entries stand in: the root `messages` and every page under `pages` (EntryPages). */
export function entryMaps(doc: Y.Doc): Y.Map<unknown>[] {
  const pages = [...doc.getMap(PAGES_ROOT).values()].filter(
    (page): page is Y.Map<unknown> => page instanceof Y.Map,
  );
  return [doc.getMap(MESSAGES_ROOT), ...pages];
}

/** Deletes entries key by key wherever they stand, as any member may (in one transaction). */
export function deleteEntries(doc: Y.Doc, ids: Iterable<string>, origin: unknown = null): void {
  const list = [...ids];
  doc.transact(() => {
    for (const map of entryMaps(doc)) for (const id of list) map.delete(id);
  }, origin);
}

/** Every value stored under `id`, one per map that holds it. */
export function storedValues(doc: Y.Doc, id: string): unknown[] {
  return entryMaps(doc)
    .filter((map) => map.has(id))
    .map((map) => map.get(id));
}
