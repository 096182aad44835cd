/**
 * Which file each message carries: the readers' checks of the `file` kind
 * (docs/LOG_SCHEMA.md, "Entry kinds"). Pure and independent of arrival order, like replies:
 * a `file` entry counts only when its author wrote the message it names, and that message is
 * a chat message; a message's first valid entry in converged order wins.
 */
import { converged, type AmendTarget, type KindEntry } from './amendments';
import { decodePayload } from './entryKinds';
import { FILE, type FilePayload } from './fileEntry';

/** A file as a message shows it. */
export type Attachment = Omit<FilePayload, 'kind' | 'message'>;

/** message id -> the file it carries. */
export function attachments(
  kinds: readonly KindEntry[],
  target: (id: string) => AmendTarget | undefined,
): Map<string, Attachment> {
  const first = new Map<string, { file: FilePayload; at: KindEntry }>();
  for (const entry of kinds) {
    if (entry.kind !== FILE) continue;
    const payload = decodePayload(entry.kind, entry.message);
    if (payload?.kind !== FILE) continue;
    const message = target(payload.message);
    if (!message || message.kind !== undefined || message.userId !== entry.userId) continue;
    const previous = first.get(payload.message);
    if (!previous || converged(entry, previous.at) < 0) {
      first.set(payload.message, { file: payload, at: entry });
    }
  }
  const out = new Map<string, Attachment>();
  for (const [id, { file }] of first) {
    const { hash, name, type, size, thumb } = file;
    out.set(id, { hash, name, type, size, thumb });
  }
  return out;
}
