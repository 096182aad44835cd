import { css } from 'lit';

/** The message log's rows: bubbles, day lines, notices, hover actions, the jump-to-new button. */
export const messageLogStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    position: relative;
    min-height: 0;
  }
  .scroller {
    flex: 1;
    min-height: 0;
    overflow-y: auto;
    overscroll-behavior: contain;
  }
  .row {
    width: 100%;
    box-sizing: border-box;
    padding: 0.2rem 0.75rem;
    display: flex;
    flex-wrap: wrap;
  }
  .row.cont {
    padding-top: 0;
  }
  .day {
    flex: 1 0 100%;
    display: flex;
    align-items: center;
    gap: 0.75rem;
    margin: 0.6rem 0 0.4rem;
    font-size: 0.8rem;
    font-weight: 600;
    color: var(--mc-muted);
  }
  .day::before,
  .day::after {
    content: '';
    flex: 1;
    border-top: 1px solid var(--mc-border);
  }
  .row.own {
    justify-content: flex-end;
  }
  .unread-mark {
    color: var(--mc-danger);
  }
  .unread-mark::before,
  .unread-mark::after {
    border-top-color: var(--mc-danger);
  }
  .bubble {
    max-width: min(80%, 40rem);
    padding: 0.45rem 0.7rem;
    border-radius: var(--mc-radius);
    background: var(--mc-other);
    overflow-wrap: anywhere;
  }
  .text {
    white-space: pre-wrap;
  }
  .own .bubble {
    background: var(--mc-own);
    color: var(--mc-own-text);
    border-bottom-right-radius: 4px;
  }
  .other .bubble {
    border-bottom-left-radius: 4px;
  }
  .other .bubble.mention {
    box-shadow: inset 3px 0 0 var(--mc-accent);
    background: var(--mc-warning-bg);
    color: var(--mc-warning-text);
  }
  .own a {
    color: var(--mc-own-link);
  }
  a {
    color: var(--mc-link);
  }
  .who {
    display: block;
    font-weight: 700;
    font-size: 0.875rem;
  }
  .meta {
    display: block;
    font-size: 0.75rem;
    margin-top: 0.15rem;
    opacity: 0.85;
    text-align: right;
    white-space: nowrap;
  }
  .row chat-message-actions {
    opacity: 0;
  }
  /* Idle, the actions float beside the bubble: they take no room and cover no text. */
  .bubble {
    position: relative;
  }
  .row chat-message-actions:not([active]) {
    position: absolute;
    top: 0;
    right: calc(100% + 0.25rem);
    white-space: nowrap;
  }
  .row.other chat-message-actions:not([active]) {
    right: auto;
    left: calc(100% + 0.25rem);
  }
  .row:hover chat-message-actions,
  .row:focus-within chat-message-actions,
  .row chat-message-actions[active] {
    opacity: 1;
  }
  .pending,
  .deleted,
  .unverified {
    font-style: italic;
  }
  .notice {
    justify-content: center;
    color: var(--mc-muted);
    font-size: 0.875rem;
    text-align: center;
  }
  .first {
    padding-top: 0.75rem;
  }
  .empty {
    color: var(--mc-muted);
    text-align: center;
    margin: 2rem 1rem;
  }
  .new {
    position: absolute;
    bottom: 0.75rem;
    left: 50%;
    transform: translateX(-50%);
    box-shadow: 0 2px 8px rgb(0 0 0 / 25%);
  }
`;
