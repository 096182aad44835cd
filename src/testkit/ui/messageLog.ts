import { html } from 'lit';
import { NameBook } from '../../app/NameBook';
import type { ChatLine, MessageLine } from '../../app/ChatLine';
import '../../ui/MessageLog';
import type { MessageLog } from '../../ui/MessageLog';
import { fixture, shadow } from './fixture';
import { poll } from '../waitFor';

/** Logs of lines and the reader's moves, for the chat-message-log suites (src/ui/MessageLog*.test.ts). */
export const names = new NameBook();
names.learn('ben', 'Ben');
names.learn('me', 'Ann');

export const message = (n: number, extra: Partial<MessageLine> = {}): MessageLine => ({
  kind: 'message',
  id: `m${n}`,
  userId: 'ben',
  text: `message ${n}`,
  time: Date.UTC(2026, 10, 21, 12, 0, n % 60),
  own: false,
  delivered: true,
  verified: true,
  ...extra,
});

export async function log(lines: readonly ChatLine[], hasOlder = false): Promise<MessageLog> {
  const el = await fixture<MessageLog>(
    html`<chat-message-log
      style="height: 400px; width: 360px"
      .lines=${lines}
      .names=${names}
      ?hasOlder=${hasOlder}
    ></chat-message-log>`,
  );
  await poll(
    () => (el.shadowRoot?.querySelectorAll('.row').length ?? 0) > 0 || lines.length === 0,
    'the first rows',
  );
  return el;
}

export const rows = (el: MessageLog): HTMLElement[] => [
  ...(el.shadowRoot?.querySelectorAll<HTMLElement>('.row') ?? []),
];
export const scroller = (el: MessageLog): HTMLElement => shadow(el, '[role="log"]');
/** A row's visible words, without its day separator. */
export function text(row: HTMLElement): string {
  const copy = row.cloneNode(true) as HTMLElement;
  for (const hidden of copy.querySelectorAll('.day, .sr-only')) hidden.remove();
  return copy.textContent.replace(/\s+/g, ' ').trim();
}

/** Waits until the log shows its last line, scrolled to the very bottom. */
export async function atBottom(el: MessageLog): Promise<void> {
  const last = el.lines.at(-1);
  await poll(() => {
    const s = scroller(el);
    const shown = rows(el).some((r) => r.dataset.id === last?.id);
    return shown && el.following && s.scrollHeight - s.scrollTop - s.clientHeight < 2;
  }, 'the last line, scrolled to the very bottom');
}

/** Scrolls to the top the way a user would, and waits until the log has noticed. */
export async function scrollUp(el: MessageLog): Promise<void> {
  // As a reader's wheel does, every try moves the view and so fires a scroll event: setting 0
  // again where the view is at 0 already would fire none, and a scroll the log ignored while it
  // was still pinning the end would never be seen again. A scroll to the end still in progress
  // (the first layout's) ignores scrolls away from the end, as it must while rows are measured:
  // wait for it, as a reader's first wheel turn comes after the log has settled.
  await el.scrollToEnd();
  await poll(() => {
    const s = scroller(el);
    s.scrollTop = s.scrollTop === 0 ? 1 : 0;
    return !el.following && s.scrollTop <= 1;
  }, 'the log to notice the scroll to the top');
  scroller(el).scrollTop = 0;
}
