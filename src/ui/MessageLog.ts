import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import {
  virtualize,
  virtualizerRef,
  type VirtualizerHostElement,
} from '@lit-labs/virtualizer/virtualize.js';
import { afterLayout } from './virtualLayout';
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

/** How close to the bottom (px) still counts as "at the bottom". */
const STICK_PX = 48;
/** How close to the top (px) asks for older messages. */
const OLDER_PX = 400;

/**
 * The transcript, virtualized: only the rows near the viewport are in the DOM, so a history
 * of 100,000 messages scrolls like a short one. Each day starts with a separator; consecutive
 * messages of one author are grouped under one name, the time at the group's end. Follows new
 * messages while the user is at the bottom, also while the log shrinks (an on-screen
 * keyboard); when they have scrolled up it offers "New messages" instead. Near the top it
 * asks for older pages (`load-older`) and keeps the row the user was reading in place.
 */
@customElement('chat-message-log')
export class MessageLog extends LitElement {
  static override styles = [theme, messageLogStyles, messagePartStyles];

  @property({ attribute: false }) lines: readonly ChatLine[] = [];
  @property({ attribute: false }) names: NameBook | undefined;
  /** Bump to relabel rows after names changed. */
  @property({ type: Number }) namesRevision = 0;
  @property({ type: Boolean }) hasOlder = false;
  /** This user's name: messages of others that mention it are marked. */
  @property() selfName: string | undefined;
  /** Messages of others after this time are new since the user left: a line goes above them. */
  @property({ attribute: false }) newSince: number | undefined;
  /** The room's files, for the messages that carry one. */
  @property({ attribute: false }) files: FileShelf | undefined;
  /** The first new message, and how many there are. */
  private newMark: NewMark | undefined;
  /** The clock that decides which day is "Today" (tests set it). */
  @property({ attribute: false }) now: () => number = Date.now;
  @state() private unseen = 0;
  @query('.scroller') private scroller!: VirtualizerHostElement;
  private atBottom = true;
  private lastId: string | undefined;
  private firstVisible = 0;
  private anchorId: string | undefined;
  private askedOlder = false;

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

  /** Scrolls to the newest message and follows new ones again. */
  scrollToEnd(): Promise<void> {
    this.atBottom = true;
    this.unseen = 0;
    this.pinning += 1;
    return this.afterLayout(() => this.jumpTo(this.lines.length - 1, 'end')).finally(() => {
      this.pinning -= 1;
    });
  }

  /**
   * Scrolls to the end in progress: the virtualizer moves the scroll position itself while it
   * measures new rows, which must not read as the user scrolling up.
   */
  private pinning = 0;

  /** Whether the view follows new messages (the user has not scrolled up). */
  get following(): boolean {
    return this.atBottom;
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
  private resizes: ResizeObserver | undefined;
  private lastHeight = 0;
  private lastScrollTop = 0;

  protected override firstUpdated(): void {
    // A shrinking log (an on-screen keyboard opening, a window made shorter) keeps its scroll
    // top, which would move the newest message out of view: follow the bottom instead.
    this.lastHeight = this.scroller.clientHeight;
    this.resizes = new ResizeObserver(() => this.followResize());
    this.resizes.observe(this.scroller);
  }

  /**
   * Keeps the bottom in view after the log's height changed, if it was in view before. Runs
   * from the resize observer and from a scroll event that comes first (the virtualizer moves
   * the scroll position as it lays out again): the height, not the scroll, changed.
   */
  private followResize(): boolean {
    const height = this.scroller.clientHeight;
    if (height === this.lastHeight) return false;
    const shrank = height < this.lastHeight;
    this.lastHeight = height;
    if (shrank && this.atBottom && this.lines.length > 0) {
      this.scroller.scrollTop = this.scroller.scrollHeight;
    }
    return true;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) this.resizes?.observe(this.scroller);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizes?.disconnect();
  }

  /** Runs `work` once the virtualizer has taken the new lines and laid them out. */
  private afterLayout(work: () => void): Promise<void> {
    return afterLayout(() => this.scroller, work);
  }

  private jumpTo(index: number, block: 'start' | 'end'): void {
    if (block === 'end' && !this.atBottom) return;
    const element = this.scroller[virtualizerRef]?.element(index);
    if (element) element.scrollIntoView({ block });
    else if (block === 'end') this.scroller.scrollTop = this.scroller.scrollHeight;
  }

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

  private readonly onScroll = (): void => {
    const el = this.scroller;
    // Every scroll event records where the view is, even those ignored below: a position left
    // stale (0, from before the first scroll to the end) made a later scroll to the top read as
    // rows growing below, and the log snapped back to the bottom.
    const previous = this.lastScrollTop;
    this.lastScrollTop = el.scrollTop;
    if (this.followResize() && this.atBottom) return;
    const wasAtBottom = this.atBottom;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX;
    if (!atBottom && this.pinning > 0) return;
    const movedUp = el.scrollTop < previous - 1;
    if (this.atBottom && !atBottom && !movedUp) {
      // Rows grew below the reader (measured taller, the time moving to a new last message):
      // only scrolling up leaves the bottom.
      el.scrollTop = el.scrollHeight;
      return;
    }
    this.atBottom = atBottom;
    if (this.atBottom && !wasAtBottom) this.unseen = 0;
    if (el.scrollTop < OLDER_PX && this.hasOlder && !this.askedOlder && !this.atBottom) {
      this.askedOlder = true;
      this.anchorId = this.lines[this.firstVisible]?.id;
      this.dispatchEvent(new CustomEvent('load-older', { bubbles: true, composed: true }));
    }
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-message-log': MessageLog;
  }
}
