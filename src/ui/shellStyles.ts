import { css } from 'lit';

/** The shell's layout: the app bar, the rooms beside the open room (one pane on a phone). */
export const shellStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    height: 100dvh;
    background: var(--mc-bg);
  }
  .appbar {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    padding: 0.4rem 0.75rem;
    background: var(--mc-surface);
    border-bottom: 1px solid var(--mc-border);
    flex-wrap: wrap;
  }
  h1 {
    font-size: 1.15rem;
    margin: 0;
    flex: 1;
  }
  .appbar button {
    min-height: 2.25rem;
    padding: 0.3rem 0.7rem;
    font-size: 0.875rem;
  }
  .me {
    font-size: 0.85rem;
    color: var(--mc-muted);
    max-width: 10rem;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .body {
    flex: 1;
    display: flex;
    min-height: 0;
  }
  nav {
    width: 18rem;
    flex: none;
    border-right: 1px solid var(--mc-border);
    overflow-y: auto;
    background: var(--mc-bg);
  }
  .pane {
    flex: 1;
    min-width: 0;
    display: flex;
    flex-direction: column;
    min-height: 0;
  }
  main.solo {
    flex: 1;
    min-height: 0;
    display: flex;
    flex-direction: column;
    overflow-y: auto;
  }
  .skip {
    position: absolute;
    left: 0.5rem;
    top: -4rem;
    z-index: 20;
    padding: 0.5rem 0.75rem;
    background: var(--mc-accent);
    color: var(--mc-accent-text);
    border-radius: 8px;
  }
  .skip:focus {
    top: 0.5rem;
  }
  @media (max-height: 500px) {
    .appbar {
      padding-top: 0.15rem;
      padding-bottom: 0.15rem;
    }
    .appbar button {
      min-height: 2rem;
      padding-top: 0.15rem;
      padding-bottom: 0.15rem;
    }
  }
  chat-room-view {
    flex: 1;
  }
  .placeholder {
    margin: auto;
    padding: 2rem;
    text-align: center;
    color: var(--mc-muted);
  }
  @media (max-width: 720px) {
    nav {
      width: auto;
      flex: 1;
      border-right: none;
    }
    .body[data-view='room'] nav,
    .body[data-view='home'] .pane {
      display: none;
    }
    chat-room-view {
      --mc-back-display: inline-flex;
    }
  }
`;
