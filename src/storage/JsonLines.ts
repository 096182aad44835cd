import type { ChatEvent } from '../hub/events';
import { JsonLinesFormatError } from './errors';
import { MAX_ID_LENGTH, validateEvent } from './EventValidation';

/** The MIME type of an exported history (for the download's Blob). */
export const JSON_LINES_TYPE = 'application/x-ndjson';

/** At most this many line errors are kept for display; all are counted in badLines. */
export const MAX_REPORTED_ERRORS = 100;

/** One line of an imported file that was not imported, and why. */
export interface LineError {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly reason: string;
}

/** The `format` of an export's first line, which says what the file is. */
export const HISTORY_FORMAT = 'meshchat-history/1';
/** At most this many names in a file's first line (more make it a bad line). */
export const MAX_HEADER_NAMES = 10_000;
/** Longest name a file's first line may give (names are shortened again where shown). */
const MAX_HEADER_NAME_LENGTH = 256;

/**
 * An export's first line: which room the history is of, and the authors' names as the
 * exporting device knew them (claims only: nothing in a file is signed).
 */
export interface HistoryHeader {
  readonly roomId: string;
  /** Display names by user id. */
  readonly names: ReadonlyMap<string, string>;
}

/** What parseJsonLines found. */
export interface ParsedJsonLines {
  /** The valid events, in file order. */
  readonly events: ChatEvent[];
  /** How many non-blank lines were neither valid events of the room nor a valid header. */
  readonly badLines: number;
  /** The first MAX_REPORTED_ERRORS of them, with reasons. */
  readonly errors: LineError[];
  /** The file's first line, when it is a valid header (files of older versions have none). */
  readonly header?: HistoryHeader;
  /** Given `chatroomId`: how many valid events of each other room the file holds. */
  readonly otherRooms: ReadonlyMap<string, number>;
}

/**
 * A room's history as JSON Lines: one event per line, with exactly the event fields in the
 * original's order (id, chatroomId, type, userId?, sessionId?, message?, unixTime), each line
 * ending in a newline. Pass events oldest first; that is the order the file keeps. Given a
 * header, the first line is `{"format":"meshchat-history/1","roomId":…,"names":{userId:
 * name…}}`.
 */
export function exportJsonLines(events: readonly ChatEvent[], header?: HistoryHeader): string {
  let text = header
    ? JSON.stringify({
        format: HISTORY_FORMAT,
        roomId: header.roomId,
        names: Object.fromEntries(header.names),
      }) + '\n'
    : '';
  for (const event of events) {
    const fields: Record<string, unknown> = {
      id: event.id,
      chatroomId: event.chatroomId,
      type: event.type,
    };
    if (event.userId) fields.userId = event.userId;
    if (event.sessionId) fields.sessionId = event.sessionId;
    if (event.message) fields.message = event.message;
    fields.unixTime = event.unixTime;
    text += JSON.stringify(fields) + '\n';
  }
  return text;
}

/**
 * Reads an exported history. A first line with a `format` field is its header (see
 * exportJsonLines); every other line is validated as a ChatEvent. A bad line is counted and
 * reported (with its number and reason), never imported. Blank lines are ignored, as are a
 * byte-order mark and Windows line ends.
 *
 * Given `chatroomId`, an event of another room is a bad line too, and counted in otherRooms.
 *
 * Throws JsonLinesFormatError when the file is not JSON Lines at all: binary content, or not
 * one line holding a JSON object (a JSON array file, a CSV, a picture).
 */
export function parseJsonLines(
  text: string,
  options: { readonly chatroomId?: string } = {},
): ParsedJsonLines {
  if (text.includes('\u0000')) {
    throw new JsonLinesFormatError('This file is binary, not a JSON Lines chat export.');
  }
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const events: ChatEvent[] = [];
  const errors: LineError[] = [];
  const otherRooms = new Map<string, number>();
  let header: HistoryHeader | undefined;
  let badLines = 0;
  let nonBlank = 0;
  let objects = 0;
  const bad = (line: number, reason: string): void => {
    badLines += 1;
    if (errors.length < MAX_REPORTED_ERRORS) errors.push({ line, reason });
  };
  lines.forEach((raw, index) => {
    if (raw.trim() === '') return;
    nonBlank += 1;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      bad(index + 1, 'not valid JSON');
      return;
    }
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) objects += 1;
    if (nonBlank === 1 && isHeaderLike(value)) {
      const read = readHeader(value);
      if (typeof read === 'string') bad(index + 1, read);
      else header = read;
      return;
    }
    const event = validateEvent(value);
    if (typeof event === 'string') bad(index + 1, event);
    else if (options.chatroomId !== undefined && event.chatroomId !== options.chatroomId) {
      otherRooms.set(event.chatroomId, (otherRooms.get(event.chatroomId) ?? 0) + 1);
      bad(index + 1, `belongs to room ${event.chatroomId}, not ${options.chatroomId}`);
    } else events.push(event);
  });
  if (nonBlank > 0 && objects === 0) {
    throw new JsonLinesFormatError(
      'This file is not a JSON Lines chat export: no line holds an event object ' +
        '(expected one JSON object per line, as exported by this app).',
    );
  }
  return { events, badLines, errors, ...(header ? { header } : {}), otherRooms };
}

function isHeaderLike(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'format' in value;
}

/** The header a first line holds, or why it is not one. */
function readHeader(record: Record<string, unknown>): HistoryHeader | string {
  const { format, roomId, names } = record;
  if (format !== HISTORY_FORMAT) {
    return `a header of format ${JSON.stringify(format)}, not ${HISTORY_FORMAT} (made by a newer version?)`;
  }
  if (typeof roomId !== 'string' || roomId === '' || roomId.length > MAX_ID_LENGTH) {
    return 'the header has no valid roomId';
  }
  if (typeof names !== 'object' || names === null || Array.isArray(names)) {
    return 'the header has no names object';
  }
  const entries = Object.entries(names as Record<string, unknown>);
  if (entries.length > MAX_HEADER_NAMES) return `the header has over ${MAX_HEADER_NAMES} names`;
  const valid = new Map<string, string>();
  for (const [userId, name] of entries) {
    if (userId === '' || userId.length > MAX_ID_LENGTH) continue;
    if (typeof name !== 'string' || name.length > MAX_HEADER_NAME_LENGTH) continue;
    valid.set(userId, name);
  }
  return { roomId, names: valid };
}
