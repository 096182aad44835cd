import { LitElement, html } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { completions, mentionAt } from '../app/mentions';

/**
 * The message box's mentions: after "@" it offers the room's people, arrows choose, Enter or
 * Tab puts "@Name " in, Escape closes the list. Composer extends it with sending and files.
 */
export class MentionBox extends LitElement {
  /** The names of the people in the room, offered after "@". */
  @property({ attribute: false }) people: readonly string[] = [];
  /** Names that complete the "@" being typed, and the one chosen with the arrows. */
  @state() protected suggestions: readonly string[] = [];
  @state() protected active = 0;
  protected mention: { start: number; query: string } | undefined;
  /** Characters in the box now (kept for the counter). */
  @state() protected length = 0;
  @query('textarea') protected box!: HTMLTextAreaElement;

  /** The list of people to mention, while the "@" being typed has some. */
  protected mentionList() {
    return html`<ul
      class="mentions"
      id="mention-list"
      role="listbox"
      aria-label="People to mention"
    >
      ${this.suggestions.map(
        (name, i) =>
          html`<li
            id=${`mention-${String(i)}`}
            role="option"
            aria-selected=${i === this.active ? 'true' : 'false'}
            @mousedown=${(e: Event) => {
              e.preventDefault();
              this.complete(name);
            }}
          >
            ${name}
          </li>`,
      )}
    </ul>`;
  }

  /** Keys for the list of people to mention; true when the key was for it. */
  protected onListKey(event: KeyboardEvent): boolean {
    const count = this.suggestions.length;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      this.active = (this.active + (event.key === 'ArrowDown' ? 1 : count - 1)) % count;
    } else if ((event.key === 'Enter' && !event.shiftKey) || event.key === 'Tab') {
      const name = this.suggestions[this.active];
      if (name === undefined) return false;
      this.complete(name);
    } else if (event.key === 'Escape') {
      this.suggestions = [];
    } else {
      return false;
    }
    event.preventDefault();
    return true;
  }

  /** Puts "@name " in place of the "@" being typed. */
  private complete(name: string): void {
    const mention = this.mention;
    if (!mention) return;
    const text = this.box.value;
    const end = mention.start + 1 + mention.query.length;
    const inserted = `@${name} `;
    this.box.value = text.slice(0, mention.start) + inserted + text.slice(end);
    const caret = mention.start + inserted.length;
    this.box.setSelectionRange(caret, caret);
    this.suggestions = [];
    this.mention = undefined;
    this.length = this.box.value.length;
    this.box.focus();
  }

  protected offerMentions(): void {
    const caret = this.box.selectionStart;
    this.mention = mentionAt(this.box.value, caret);
    const found = this.mention ? completions(this.mention.query, this.people) : [];
    if (found.join('\n') !== this.suggestions.join('\n')) this.active = 0;
    this.suggestions = found;
  }
}
