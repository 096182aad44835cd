import { html, nothing, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { virtualize } from '@lit-labs/virtualizer/virtualize.js';
// Given its layout, the virtualizer never takes its own import() of the default one: the
// layout is in this element's chunk, and a room's first render never waits for another fetch.
import { flow } from '@lit-labs/virtualizer/layouts/flow.js';
import type { NameBook } from '../app/NameBook';
import type { ChatLine } from '../app/ChatLine';
import { messagePartStyles, type ReplyOpenDetail } from './messageParts';
import type { FileShelf } from '../app/FileShelf';
import { findNew, renderLine, type NewMark, type RowView } from './messageRows';
import { messageLogStyles } from './messageLogStyles';
import { theme } from './theme';
import { LogScroller } from './LogScroller';

/**
 * The transcript, virtualized: only the rows near the viewport are in the DOM, so a history
 * of 100,000 messages scrolls like a short one. Each day starts with a separator; consecutive
 * messages of one author are grouped under one name, the time at the group's end. Follows new
 * messages while the user is at the bottom, also while the log shrinks (an on-screen
 * keyboard); when they have scrolled up it offers "New messages" instead. Near the top it
 * asks for older pages (`load-older`) and keeps the row the user was reading in place.
 */
@customElement('chat-message-log')
export class MessageLog extends LogScroller {
  static override styles = [theme, messageLogStyles, messagePartStyles];

  @property({ attribute: false }) names: NameBook | undefined;
  /** Bump to relabel rows after names changed. */
  @property({ type: Number }) namesRevision = 0;
  /** This user's name: messages of others that mention it are marked. */
  @property() selfName: string | undefined;
  /** Messages of others after this time are new since the user left: a line goes above them. */
  @property({ attribute: false }) newSince: number | undefined;
  /** The room's files, for the messages that carry one. */
  @property({ attribute: false }) files: FileShelf | undefined;
  /** The first new message, and how many there are. */
  private newMark: NewMark | undefined;
  private lastId: string | undefined;
  /** The clock that decides which day is "Today" (tests set it). */
  @property({ attribute: false }) now: () => number = Date.now;

  override render() {
    return html`
      <div
        class="scroller"
        style="min-height: 0"
        role="log"
        aria-label="Messages"
        tabindex="0"
        @scroll=${this.onScroll}
        @reply-open=${(e: CustomEvent<ReplyOpenDetail>) => void this.reveal(e.detail.id)}
        @visibilityChanged=${(e: Event & { first: number }) => (this.firstVisible = e.first)}
      >
        ${
          this.lines.length === 0
            ? html`<p class="empty">No messages yet. Say hello!</p>`
            : virtualize({
                items: this.lines as ChatLine[],
                // The virtualizer may ask for a row of its previous range while it takes a
                // shorter list: such a row (undefined) renders as nothing.
                keyFunction: (line: ChatLine | undefined) => line?.id,
                renderItem: (line: ChatLine | undefined, index: number) =>
                  line ? renderLine(this.rowView, line, index) : html``,
                scroller: true,
                layout: flow(this.layoutStart()),
              })
        }
      </div>
      ${
        this.unseen > 0
          ? html`<button class="new primary" type="button" @click=${() => void this.scrollToEnd()}>
              New messages (${this.unseen}) ↓
            </button>`
          : nothing
      }
    `;
  }

  /** Whether the virtualizer exists (the log has had lines since it was last empty). */
  private virtualized = false;

  /**
   * The layout's first settings: a virtualizer made for the log's first lines lays them out
   * from the newest, so the newest is in the first frame it paints (the scroll to the end
   * follows). Once it exists it keeps its own place; the user's scrolling unpins it.
   */
  private layoutStart(): { pin?: { index: number; block: 'end' } } {
    if (this.virtualized || !this.atBottom) return {};
    this.virtualized = true;
    return { pin: { index: this.lines.length - 1, block: 'end' } };
  }

  private follow = false;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('lines') || changed.has('newSince'))
      this.newMark = findNew(this.lines, this.newSince);
    if (!changed.has('lines')) return;
    // An empty log shows no virtualizer: the next lines get a new one.
    if (this.lines.length === 0) this.virtualized = false;
    this.linesChanged?.();
    const lastLine = this.lines.at(-1);
    const previousLast = this.lastId;
    this.lastId = lastLine?.id;
    this.askedOlder = false;
    this.follow = false;
    if (lastLine?.id === previousLast) {
      // The same last line, others changed (a run of notices folded, a row re-rendered): the
      // layout moves, and a reader at the bottom stays there.
      if (this.atBottom && lastLine !== undefined) this.follow = true;
      return;
    }
    const ownNew = lastLine?.kind === 'message' && lastLine.own;
    if (this.atBottom || ownNew || previousLast === undefined) {
      this.follow = true;
      return;
    }
    // Scrolled up: count what arrived below instead of moving the user's place.
    const from = this.lines.findIndex((l) => l.id === previousLast);
    this.unseen += from >= 0 ? this.lines.length - 1 - from : 1;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!changed.has('lines')) return;
    const anchor = this.anchorId;
    this.anchorId = undefined;
    if (anchor !== undefined) {
      void this.afterLayout(() => {
        const index = this.lines.findIndex((l) => l.id === anchor);
        if (index > 0) this.jumpTo(index, 'start');
      });
    }
    if (!this.follow) return;
    const scrolled = this.scrollToEnd();
    if (this.announced || this.lines.length === 0) return;
    // The first lines are laid out and the newest in view: say so (the room loads its whole
    // history only then, which blocks the page for a while in a large room).
    this.announced = true;
    void scrolled.then(() =>
      this.dispatchEvent(new Event('lines-shown', { bubbles: true, composed: true })),
    );
  }

  private announced = false;

  /**
   * Shows message `id` (the original a reply quotes): scrolls it into view and marks it for
   * a moment; asks for older pages, a few at most, while it is not loaded yet. False when it
   * is not in the history this device holds.
   */
  async reveal(id: string, pages = 20): Promise<boolean> {
    for (let asked = 0; ; asked += 1) {
      const index = this.lines.findIndex((l) => l.id === id);
      if (index >= 0) {
        this.atBottom = false;
        await this.afterLayout(() => this.jumpTo(index, 'start'));
        const row = this.renderRoot.querySelector<HTMLElement>(`.row[data-id="${CSS.escape(id)}"]`);
        row?.classList.add('flash');
        row?.setAttribute('tabindex', '-1');
        row?.focus({ preventScroll: true });
        return true;
      }
      if (!this.hasOlder || asked >= pages) return false;
      const before = this.lines;
      this.dispatchEvent(new CustomEvent('load-older', { bubbles: true, composed: true }));
      await this.updateComplete;
      if (this.lines === before) {
        // The room answers with a new list of lines; wait for it (or give up after a while).
        await new Promise<void>((resolve) => {
          const stop = setTimeout(resolve, 1000);
          this.linesChanged = () => {
            clearTimeout(stop);
            resolve();
          };
        });
        this.linesChanged = undefined;
      }
    }
  }

  private linesChanged: (() => void) | undefined;

  /** What the rows read of this log, at the time each renders. */
  private readonly rowView: RowView = {
    lines: () => this.lines,
    newMark: () => this.newMark,
    files: () => this.files,
    selfName: () => this.selfName,
    now: () => this.now(),
    label: (userId) => this.label(userId),
  };

  private label(userId: string | undefined): string {
    if (userId === undefined) return 'Someone';
    return this.names?.label(userId) ?? userId.slice(0, 9);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-message-log': MessageLog;
  }
}
