import { css } from 'lit';

/**
 * One room on screen: the header with its back button, heading and tools (smaller on a
 * phone), the warning line, the participants, the message log and the composer.
 */
export const roomViewStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    min-height: 0;
    height: 100%;
    background: var(--mc-bg);
  }
  header {
    display: flex;
    align-items: center;
    gap: 0.4rem 0.5rem;
    padding: 0.5rem 0.75rem;
    border-bottom: 1px solid var(--mc-border);
  }
  .heading {
    flex: 1;
    min-width: 0;
  }
  h2,
  .topic {
    margin: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  h2 {
    font-size: 1.1rem;
  }
  .topic {
    font-size: 0.8rem;
    color: var(--mc-muted);
  }
  .back {
    display: var(--mc-back-display, none);
    align-items: center;
    gap: 0.3rem;
    flex: none;
  }
  .badge {
    background: var(--mc-accent);
    color: var(--mc-accent-text);
    border-radius: 999px;
    min-width: 1.4rem;
    padding: 0 0.35rem;
    font-size: 0.8rem;
    font-weight: 700;
    box-sizing: border-box;
    text-align: center;
  }
  .tools {
    display: flex;
    gap: 0.4rem;
    flex: none;
  }
  @media (max-width: 720px) {
    header {
      padding: 0.4rem 0.5rem;
    }
    .tools button,
    .back {
      font-size: 0.875rem;
      padding: 0.3rem 0.6rem;
      min-height: 2.25rem;
    }
    chat-room-menu {
      --mc-tool-height: 2.25rem;
      font-size: 0.875rem;
    }
    .wide {
      display: none;
    }
  }
  /* Short windows (a phone in landscape, a desktop at 200% zoom): every row gives the
     messages as much height as it can spare. */
  @media (max-height: 500px) {
    header {
      padding-top: 0.25rem;
      padding-bottom: 0.25rem;
    }
    chat-participants {
      padding-top: 0.25rem;
      padding-bottom: 0.25rem;
    }
  }
  .mismatch {
    margin: 0;
    padding: 0.5rem 0.75rem;
    background: var(--mc-warning-bg);
    color: var(--mc-warning-text);
    border-bottom: 1px solid var(--mc-border);
  }
  chat-participants {
    padding: 0.5rem 0.75rem;
    border-bottom: 1px solid var(--mc-border);
  }
  chat-message-log {
    flex: 1;
    min-height: 0;
  }
  chat-composer {
    border-top: 1px solid var(--mc-border);
  }
`;
