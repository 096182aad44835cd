// The rows of the message log: a day separator and the "new since you left" line where they
// go, notices of who joined and left, and messages grouped by author with their time, marks,
// quoted reply, file and reactions. Plain functions of what the log holds (a RowView).
import { html, nothing } from 'lit';
import type { FileShelf } from '../app/FileShelf';
import { mentions } from '../app/mentions';
import type { ChatLine } from '../app/ChatLine';
import { linkify } from './linkify';
import './MessageActions';
import { fileCard, reactionChips, replyQuote } from './messageParts';
import { continuesGroup, dayLabel, startsDay } from './messageGroups';
import { clockTime, dateTime } from './formats';

/** The first new message since the user left, and how many there are. */
export interface NewMark {
  readonly id: string;
  readonly count: number;
}

/** What a row reads of its message log, afresh each time it renders. */
export interface RowView {
  lines(): readonly ChatLine[];
  newMark(): NewMark | undefined;
  files(): FileShelf | undefined;
  /** This user's name: messages of others that mention it are marked. */
  selfName(): string | undefined;
  /** The clock that decides which day is "Today". */
  now(): number;
  label(userId: string | undefined): string;
}

export function renderLine(view: RowView, line: ChatLine, index: number) {
  const previous = view.lines()[index - 1];
  const first = index === 0 ? ' first' : '';
  const dayMark = startsDay(previous, line)
    ? html`<p class="day">${dayLabel(line.time, view.now())}</p>`
    : nothing;
  const mark = view.newMark();
  const day =
    mark?.id === line.id
      ? html`${dayMark}
          <p class="day unread-mark">
            ${mark.count === 1 ? '1 new message' : `${String(mark.count)} new messages`} since you
            left
          </p>`
      : dayMark;
  switch (line.kind) {
    case 'message':
      return renderMessage(view, line, index, day, first);
    case 'joined':
      return html`<div class="row notice${first}">
        ${day}${view.label(line.userId)} has joined the chat
      </div>`;
    case 'left':
      return html`<div class="row notice${first}">
        ${day}${view.label(line.userId)} has left the chat
      </div>`;
    case 'ended':
      return html`<div class="row notice${first}">${day}The chat has ended</div>`;
    case 'members':
      return html`<div class="row notice${first}">
        ${day}${[
          ...(line.joined.length > 0 ? [`${people(view, line.joined)} joined`] : []),
          ...(line.left.length > 0 ? [`${people(view, line.left)} left`] : []),
        ].join(' · ')}
      </div>`;
  }
}

/** "Ann", "Ann and Ben", "Ann, Ben and Cy", "Ann, Ben and 3 others". */
function people(view: RowView, userIds: readonly string[]): string {
  const names = userIds.map((id) => view.label(id));
  if (names.length <= 3) {
    return names.length === 1
      ? (names[0] ?? '')
      : `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}`;
  }
  return `${names.slice(0, 2).join(', ')} and ${names.length - 2} others`;
}

function renderMessage(
  view: RowView,
  line: ChatLine & { kind: 'message' },
  index: number,
  day: typeof nothing | ReturnType<typeof html>,
  first: string,
) {
  const time = new Date(line.time);
  const cont = continuesGroup(view.lines()[index - 1], line) ? ' cont' : '';
  const last = !continuesGroup(line, view.lines()[index + 1]);
  const marks = [
    ...(line.edited ? [html`<span class="edited">edited</span>`] : []),
    ...(line.delivered ? [] : [html`<span class="pending">Not delivered yet</span>`]),
    ...(line.verified
      ? []
      : [
          html`<span
            class="unverified"
            title="Imported from a file: this device cannot check who wrote it"
            >Imported, author not verified</span
          >`,
        ]),
  ];
  // The time shows once, under the group's last message; every message keeps its full date
  // and time in the markup (title, datetime) for hover and assistive technology.
  const stamp = last
    ? html`<time datetime=${time.toISOString()} title=${dateTime().format(time)}
        >${clockTime().format(time)}</time
      >`
    : html`<time class="sr-only" datetime=${time.toISOString()}>${clockTime().format(time)}</time>`;
  const meta =
    last || marks.length > 0
      ? html`<span class="meta"
          >${stamp}${marks.map((mark, i) => html`${last || i > 0 ? ' · ' : ''}${mark}`)}</span
        >`
      : stamp;
  const text = line.deleted
    ? html`<span class="text deleted">message deleted</span>`
    : line.file
      ? fileCard(line.file, view.files())
      : html`<span class="text">${linkify(line.text)}</span>`;
  const label = (userId: string) => view.label(userId);
  const parts = html`${replyQuote(line, label)}`;
  const after = html`${reactionChips(line, label)}
    <chat-message-actions .line=${line}></chat-message-actions>`;
  if (line.own) {
    return html`<div class="row own${cont}${first}" data-id=${line.id}>
      ${day}
      <div class="bubble"><span class="sr-only">You: </span>${parts}${text}${meta}${after}</div>
    </div>`;
  }
  const name = view.label(line.userId);
  const who = cont
    ? html`<span class="sr-only">${name}: </span>`
    : html`<span class="who">${name}</span><span class="sr-only">: </span>`;
  const mentioned = !line.deleted && mentions(line.text, view.selfName());
  return html`<div class="row other${cont}${first}" data-id=${line.id}>
    ${day}
    <div class="bubble${mentioned ? ' mention' : ''}">
      ${who}
      ${mentioned ? html`<span class="sr-only">(mentions you) </span>` : nothing}${parts}${text}${meta}${after}
    </div>
  </div>`;
}

/** The first message of others after `since`, and how many such messages follow from it. */
export function findNew(
  lines: readonly ChatLine[],
  since: number | undefined,
): NewMark | undefined {
  if (since === undefined) return undefined;
  let first: string | undefined;
  let count = 0;
  for (const line of lines) {
    if (line.kind !== 'message' || line.own || line.time <= since) continue;
    first ??= line.id;
    count += 1;
  }
  return first === undefined ? undefined : { id: first, count };
}
