/**
 * The entry kinds of schema version 2 (docs/LOG_SCHEMA.md, "Entry kinds"). A kind entry is
 * signed and hashed like a chat message; its `m` holds its fields as a JSON array, so the
 * hash (over `m` and `k`) covers them without a new field. A reader drops a kind entry whose
 * payload does not have its kind's shape (`bad-shape`); whether it may take effect (an edit
 * by the target's author, say) is decided where entries are folded (Amendments.ts), because
 * that needs the target, which may arrive later.
 */

/** A version 2 entry id: base64url of a SHA-256 hash (schema.ts's isContentKey). */
const TARGET = /^[A-Za-z0-9_-]{43}$/;

/** Replaces the text of one of the author's own messages: `[targetId, text]`. */
export const EDIT = 'edit';
/** Withdraws one of the author's own messages: `[targetId]`. */
export const DELETE = 'delete';

/** The kinds this version reads. */
export const KNOWN_KINDS: ReadonlySet<string> = new Set([EDIT, DELETE]);

/** A decoded kind entry's payload. */
export type KindPayload =
  | { readonly kind: typeof EDIT; readonly target: string; readonly text: string }
  | { readonly kind: typeof DELETE; readonly target: string };

/**
 * Reads the payload of a kind entry: undefined when the kind is unknown or `m` does not have
 * its shape. The target is always a version 2 entry id (43 characters).
 */
export function decodePayload(kind: string, message: string): KindPayload | undefined {
  if (!KNOWN_KINDS.has(kind)) return undefined;
  let fields: unknown;
  try {
    fields = JSON.parse(message);
  } catch {
    return undefined;
  }
  if (!Array.isArray(fields) || typeof fields[0] !== 'string' || !TARGET.test(fields[0])) {
    return undefined;
  }
  const target = fields[0];
  if (kind === EDIT) {
    const text: unknown = fields[1];
    if (fields.length !== 2 || typeof text !== 'string' || text.trim() === '') return undefined;
    return { kind, target, text };
  }
  if (fields.length !== 1) return undefined;
  return { kind: DELETE, target };
}

/** The `m` of a kind entry: its payload's fields as a JSON array. */
export function encodePayload(payload: KindPayload): string {
  return payload.kind === EDIT
    ? JSON.stringify([payload.target, payload.text])
    : JSON.stringify([payload.target]);
}
