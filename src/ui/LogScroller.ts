import { LitElement } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { virtualizerRef, type VirtualizerHostElement } from '@lit-labs/virtualizer/virtualize.js';
import { afterLayout } from './virtualLayout';
import type { ChatLine } from '../app/ChatLine';

/** How close to the bottom (px) still counts as "at the bottom". */
const STICK_PX = 48;
/** How close to the top (px) asks for older messages. */
const OLDER_PX = 400;

/**
 * The scrolling of the message log: follows the newest line while the user is at the bottom,
 * also while the log shrinks (an on-screen keyboard); when they have scrolled up it counts the
 * lines that arrived below (`unseen`). Near the top it asks for older pages (`load-older`)
 * and notes the row the user was reading (`anchorId`). MessageLog renders the rows.
 */
export class LogScroller extends LitElement {
  @property({ attribute: false }) lines: readonly ChatLine[] = [];
  @property({ type: Boolean }) hasOlder = false;
  @state() protected unseen = 0;
  @query('.scroller') private scroller!: VirtualizerHostElement;
  protected atBottom = true;
  protected firstVisible = 0;
  protected anchorId: string | undefined;
  protected askedOlder = false;

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
  protected afterLayout(work: () => void): Promise<void> {
    return afterLayout(() => this.scroller, work);
  }

  protected jumpTo(index: number, block: 'start' | 'end'): void {
    if (block === 'end' && !this.atBottom) return;
    const element = this.scroller[virtualizerRef]?.element(index);
    if (element) element.scrollIntoView({ block });
    else if (block === 'end') this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  protected readonly onScroll = (): void => {
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
