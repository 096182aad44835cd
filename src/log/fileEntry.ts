/**
 * The `file` entry kind (docs/LOG_SCHEMA.md, "Entry kinds"): it attaches a file to one of
 * its author's own chat messages, by the SHA-256 of the file's bytes. The bytes never enter
 * the log; peers fetch them by that hash (src/files). The payload is
 * `[message, hash, name, type, size, thumb]`.
 */
import { decodeBase64url } from '../identity/base64url';

/** Attaches a file to the author's own message: see FilePayload. */
export const FILE = 'file';

/** The largest file that may be shared, in bytes (64 MiB). */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;
/** The longest file name, in UTF-16 code units. */
export const MAX_FILE_NAME = 255;
/** The longest MIME type. */
export const MAX_FILE_TYPE = 127;
/** The largest thumbnail, in bytes (its base64url text is at most 10,923 characters). */
export const MAX_THUMB_BYTES = 8 * 1024;

/** A decoded `file` payload. */
export interface FilePayload {
  readonly kind: typeof FILE;
  /** The author's own chat message the file belongs to. */
  readonly message: string;
  /** base64url of the SHA-256 of the file's bytes (43 characters). */
  readonly hash: string;
  readonly name: string;
  /** The MIME type the author's browser gave, lower case; '' when it gave none. */
  readonly type: string;
  /** The file's length in bytes. */
  readonly size: number;
  /** base64url of a small JPEG, PNG or WebP preview of an image; '' for none. */
  readonly thumb: string;
}

const ID = /^[A-Za-z0-9_-]{43}$/;
/** A MIME type as RFC 6838 spells its names: type/subtype, lower case, no parameters. */
const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;
/** Control characters and the path separators: never part of a name to save a file under. */
// eslint-disable-next-line no-control-regex
const BAD_NAME = /[\u0000-\u001f\u007f/\\]/;

/** Reads a `file` payload's fields; undefined unless every one has its shape. */
export function decodeFile(fields: readonly unknown[]): FilePayload | undefined {
  if (fields.length !== 6) return undefined;
  const [message, hash, name, type, size, thumb] = fields;
  if (typeof message !== 'string' || !ID.test(message)) return undefined;
  if (typeof hash !== 'string' || !isHash(hash)) return undefined;
  if (typeof name !== 'string' || !isFileName(name)) return undefined;
  if (typeof type !== 'string' || !(type === '' || isMimeType(type))) return undefined;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1) return undefined;
  if (size > MAX_FILE_BYTES) return undefined;
  if (typeof thumb !== 'string' || !(thumb === '' || isThumb(thumb))) return undefined;
  return { kind: FILE, message, hash, name, type, size, thumb };
}

/** The `m` of a `file` entry. */
export function encodeFile(payload: FilePayload): string {
  const { message, hash, name, type, size, thumb } = payload;
  return JSON.stringify([message, hash, name, type, size, thumb]);
}

/** Whether `hash` is the canonical base64url of 32 bytes. */
export function isHash(hash: string): boolean {
  return ID.test(hash) && decodeBase64url(hash)?.byteLength === 32;
}

/** A name to show and save under: 1-255 code units, trimmed, no control characters or slashes. */
export function isFileName(name: string): boolean {
  return (
    name.length > 0 && name.length <= MAX_FILE_NAME && name.trim() === name && !BAD_NAME.test(name)
  );
}

export function isMimeType(type: string): boolean {
  return type.length <= MAX_FILE_TYPE && MIME.test(type);
}

/** The raster formats a thumbnail may be in, told by their first bytes. */
export type ThumbFormat = 'image/jpeg' | 'image/png' | 'image/webp';

/** The format of a thumbnail's (or image's) bytes by their signature; undefined if none. */
export function rasterFormat(bytes: Uint8Array): ThumbFormat | 'image/gif' | undefined {
  const at = (i: number) => bytes[i];
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return 'image/jpeg';
  if (at(0) === 0x89 && at(1) === 0x50 && at(2) === 0x4e && at(3) === 0x47) return 'image/png';
  if (at(0) === 0x47 && at(1) === 0x49 && at(2) === 0x46 && at(3) === 0x38) return 'image/gif';
  const riff = String.fromCharCode(...bytes.subarray(0, 4));
  const webp = String.fromCharCode(...bytes.subarray(8, 12));
  if (riff === 'RIFF' && webp === 'WEBP') return 'image/webp';
  return undefined;
}

/** A thumbnail: canonical base64url of at most MAX_THUMB_BYTES of JPEG, PNG or WebP. */
export function isThumb(thumb: string): boolean {
  if (thumb.length > Math.ceil((MAX_THUMB_BYTES * 4) / 3)) return false;
  const bytes = decodeBase64url(thumb);
  if (!bytes || bytes.byteLength > MAX_THUMB_BYTES) return false;
  const format = rasterFormat(bytes);
  return format !== undefined && format !== 'image/gif';
}

/**
 * The types a reader shows as an image (thumbnail and viewer), and only when the bytes'
 * signature is of that raster format too. Everything else, SVG and HTML included, is
 * offered only as a download: nothing a peer sends is ever rendered as markup or run.
 */
export const VIEWABLE_IMAGE_TYPES: ReadonlySet<string> = new Set([
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
]);

/** Whether bytes claimed to be of `type` may be shown as an image. */
export function isViewableImage(type: string, bytes: Uint8Array): boolean {
  return VIEWABLE_IMAGE_TYPES.has(type) && rasterFormat(bytes) === type;
}
