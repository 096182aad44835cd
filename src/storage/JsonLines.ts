import type { ChatEvent } from '../hub/events';
import { JsonLinesFormatError } from './errors';
import { validateEvent } from './EventValidation';

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

/** What parseJsonLines found. */
export interface ParsedJsonLines {
  /** The valid events, in file order. */
  readonly events: ChatEvent[];
  /** How many non-blank lines were not valid events. */
  readonly badLines: number;
  /** The first MAX_REPORTED_ERRORS of them, with reasons. */
  readonly errors: LineError[];
}

/**
 * A room's history as JSON Lines: one event per line, with exactly the event fields in the
 * original's order (id, chatroomId, type, userId?, sessionId?, message?, unixTime), each line
 * ending in a newline. Pass events oldest first; that is the order the file keeps.
 */
export function exportJsonLines(events: readonly ChatEvent[]): string {
  let text = '';
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
 * Reads an exported history. Every line is validated as a ChatEvent; a bad line is counted and
 * reported (with its number and reason), never imported. Blank lines are ignored, as are a
 * byte-order mark and Windows line ends.
 *
 * Given `chatroomId`, an event of another room is a bad line too.
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
    const event = validateEvent(value);
    if (typeof event === 'string') bad(index + 1, event);
    else if (options.chatroomId !== undefined && event.chatroomId !== options.chatroomId) {
      bad(index + 1, `belongs to room ${event.chatroomId}, not ${options.chatroomId}`);
    } else events.push(event);
  });
  if (nonBlank > 0 && objects === 0) {
    throw new JsonLinesFormatError(
      'This file is not a JSON Lines chat export: no line holds an event object ' +
        '(expected one JSON object per line, as exported by this app).',
    );
  }
  return { events, badLines, errors };
}
