// The parts of a message bubble beyond its text: the quote of the message a reply answers
// (a button that shows the original) and the reactions under it (buttons that add or take
// back this user's own). Templates and styles only; MessageLog places them and handles the
// events they send up.
import { css, html, nothing } from 'lit';
import type { FileShelf } from '../app/FileShelf';
import type { LineFile, MessageLine } from '../app/ChatLine';

/** Detail of `reply-open`: show the message `id` a reply quotes. */
export interface ReplyOpenDetail {
  readonly id: string;
}

export const messagePartStyles = css`
  .quote {
    display: block;
    width: 100%;
    text-align: left;
    font: inherit;
    font-size: 0.8rem;
    background: rgb(0 0 0 / 8%);
    color: inherit;
    border: 0;
    border-left: 3px solid currentColor;
    border-radius: 4px;
    padding: 0.2rem 0.45rem;
    margin: 0.1rem 0 0.3rem;
    cursor: pointer;
    min-height: auto;
  }
  .quote .quoted {
    display: block;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    opacity: 0.9;
  }
  .reactions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem;
    margin-top: 0.3rem;
  }
  .reactions button {
    font-size: 0.8rem;
    min-height: 1.75rem;
    padding: 0.05rem 0.45rem;
    border-radius: 999px;
    background: var(--mc-bg);
    color: var(--mc-text);
    border: 1px solid var(--mc-border);
  }
  .reactions button[aria-pressed='true'] {
    border-color: var(--mc-accent);
    box-shadow: inset 0 0 0 1px var(--mc-accent);
  }
  .flash {
    animation: flash 1.2s ease-out;
  }
  @keyframes flash {
    from {
      background: var(--mc-warning-bg);
    }
  }
`;

/** The quote above a reply: who wrote the original and how it began. */
export function replyQuote(line: MessageLine, label: (userId: string) => string) {
  const quote = line.replyTo;
  if (!quote) return nothing;
  const who = label(quote.userId);
  const text = quote.deleted ? 'message deleted' : quote.text;
  return html`<button
    type="button"
    class="quote"
    @click=${(event: Event) => {
      event.target?.dispatchEvent(
        new CustomEvent<ReplyOpenDetail>('reply-open', {
          detail: { id: quote.id },
          bubbles: true,
          composed: true,
        }),
      );
    }}
  >
    <span class="sr-only">Reply to </span><strong>${who}</strong><span class="sr-only">: </span
    ><span class="quoted">${text}</span><span class="sr-only">. Show the original</span>
  </button>`;
}

/** The reactions under a message; pressing one adds or takes back this user's own. */
export function reactionChips(line: MessageLine, label: (userId: string) => string) {
  const reactions = line.reactions;
  if (!reactions || reactions.length === 0) return nothing;
  return html`<div class="reactions" role="group" aria-label="Reactions">
    ${reactions.map((reaction) => {
      const who = reaction.users.map(label);
      const names =
        who.length <= 3
          ? who.join(', ')
          : `${who.slice(0, 3).join(', ')} and ${who.length - 3} more`;
      return html`<button
        type="button"
        aria-pressed=${reaction.mine ? 'true' : 'false'}
        title=${names}
        aria-label=${`${reaction.emoji} ${reaction.users.length}: ${names}`}
        @click=${(event: Event) => {
          event.target?.dispatchEvent(
            new CustomEvent('message-react', {
              detail: { id: line.id, emoji: reaction.emoji },
              bubbles: true,
              composed: true,
            }),
          );
        }}
      >
        ${reaction.emoji} ${reaction.users.length}
      </button>`;
    })}
  </div>`;
}

let fileCode: Promise<unknown> | undefined;

/**
 * The file a message carries: a <chat-file-card>, whose code (thumbnail, viewer, download)
 * loads the first time a room shows a file, so the first page does not carry it.
 */
export function fileCard(file: LineFile, files: FileShelf | undefined) {
  fileCode ??= import('./FileCard').catch((error: unknown) => {
    fileCode = undefined;
    console.error('MeshChat could not load its file view', error);
  });
  return html`<chat-file-card .file=${file} .files=${files}></chat-file-card>`;
}
