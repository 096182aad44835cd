// The files of a room as the app uses them: kept on this device, fetched from peers by their
// SHA-256 (src/files/RoomFiles.ts implements it over IndexedDB and the data channels).
import {
  MAX_FILE_BYTES,
  MAX_FILE_NAME,
  isMimeType,
  isViewableImage,
  rasterFormat,
  VIEWABLE_IMAGE_TYPES,
} from '../log/fileEntry';
import { decodeBase64url } from '../identity/base64url';
import type { Attachment } from '../log/attachments';
import { formatBytes } from './formatBytes';

export { MAX_FILE_BYTES, isViewableImage, VIEWABLE_IMAGE_TYPES, formatBytes };

/** How much of its quota a room uses on this device. */
export interface FileUsage {
  readonly used: number;
  readonly quota: number;
  readonly files: number;
}

export interface FileShelf {
  /**
   * Keeps `file` on this device for the room (checking the quota) and describes it: its
   * SHA-256 (base64url) and, for an image, a small thumbnail (base64url, or '').
   */
  keep(file: Blob, type: string): Promise<{ hash: string; thumb: string }>;
  /**
   * The bytes of a shared file: from this device, or fetched from peers, checked against
   * `hash` and then kept. Rejects with a message for the user (not found, refused, quota).
   */
  open(
    file: { readonly hash: string; readonly size: number; readonly type: string },
    progress?: (received: number) => void,
    signal?: AbortSignal,
  ): Promise<Blob>;
  usage(): Promise<FileUsage>;
  /**
   * Calls `listener` with how much (0 to 1) of file `hash` this device has sent to a peer
   * fetching it, as chunks go out; returns an unsubscribe function.
   */
  onSending?(hash: string, listener: (sent: number) => void): () => void;
}

/** The name a file is shared under: no control characters or slashes, at most 255 units. */
export function fileName(name: string): string {
  // eslint-disable-next-line no-control-regex
  let clean = name.replace(/[\u0000-\u001f\u007f/\\]/g, '_').trim();
  if (clean.length > MAX_FILE_NAME) {
    const dot = clean.lastIndexOf('.');
    const ext = dot > 0 && clean.length - dot <= 16 ? clean.slice(dot) : '';
    clean = clean.slice(0, MAX_FILE_NAME - ext.length).trim() + ext;
  }
  return clean === '' ? 'file' : clean;
}

/** The MIME type a file is shared under ('' when the browser gave none we can read). */
export function fileType(type: string): string {
  const lower = type.toLowerCase().split(';')[0]?.trim() ?? '';
  return isMimeType(lower) ? lower : '';
}

/**
 * Shares `file` in a room: keeps it here, writes a message with its name, and the signed
 * `file` entry that attaches it. Returns what to tell the user when it was not shared.
 */
export async function shareFile(
  shelf: FileShelf | undefined,
  file: Blob & { readonly name?: string },
  write: (text: string) => string | undefined,
  attach: (message: string, file: Attachment) => string | undefined,
): Promise<string | undefined> {
  if (!shelf) return 'The room is still opening: try again in a moment.';
  if (file.size === 0) return 'That file is empty.';
  if (file.size > MAX_FILE_BYTES) {
    return `That file is too large: at most ${formatBytes(MAX_FILE_BYTES)} can be shared.`;
  }
  const name = fileName(file.name ?? 'file');
  const type = fileType(file.type);
  let described: { hash: string; thumb: string };
  try {
    described = await shelf.keep(file, type);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  const id = write(name);
  if (id === undefined) return 'The file could not be shared: this room is closed here.';
  const refused = attach(id, { ...described, name, type, size: file.size });
  return refused ? 'The file could not be attached to its message.' : undefined;
}

/** The data: URL of a thumbnail (base64url of JPEG, PNG or WebP), or '' when it is none. */
export function thumbnailUrl(thumb: string): string {
  const bytes = thumb === '' ? undefined : decodeBase64url(thumb);
  const format = bytes && rasterFormat(bytes);
  if (!bytes || !format || format === 'image/gif') return '';
  const base64 = thumb.replace(/-/g, '+').replace(/_/g, '/');
  return `data:${format};base64,${base64}${'='.repeat((4 - (base64.length % 4)) % 4)}`;
}
