// How the message log arranges lines as chat apps do: a separator at the start of each day
// (local time), and consecutive messages of one author grouped under one name, with the time
// once at the end of the group. Pure functions over the lines, so the virtualized log can
// decide each row from its neighbours alone.
import type { ChatLine } from '../app/ChatLine';
import { longDate } from './formats';

/** Messages of one author further apart than this start a new group. */
export const GROUP_GAP_MS = 5 * 60_000;

/** The local calendar day of `time` (ms), as a comparable key. */
export function dayOf(time: number): string {
  const date = new Date(time);
  return `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;
}

/** Whether a day separator goes above `line` (the first line, or a new local day). */
export function startsDay(previous: ChatLine | undefined, line: ChatLine): boolean {
  return previous === undefined || dayOf(previous.time) !== dayOf(line.time);
}

/** Whether `line` continues the group of `previous`: same author, same day, close in time. */
export function continuesGroup(
  previous: ChatLine | undefined,
  line: ChatLine | undefined,
): boolean {
  return (
    previous?.kind === 'message' &&
    line?.kind === 'message' &&
    previous.userId === line.userId &&
    previous.verified === line.verified &&
    line.time - previous.time < GROUP_GAP_MS &&
    line.time >= previous.time &&
    dayOf(previous.time) === dayOf(line.time)
  );
}

/** The separator's words: "Today", "Yesterday", or the full date ("Monday, 23 November 2026"). */
export function dayLabel(time: number, now: number): string {
  const today = new Date(now);
  if (dayOf(time) === dayOf(now)) return 'Today';
  const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1, 12);
  const full = longDate().format(new Date(time));
  return dayOf(time) === dayOf(yesterday.getTime()) ? `Yesterday, ${full}` : full;
}
