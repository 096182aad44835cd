import { css } from 'lit';

/**
 * The modal <dialog> every dialog element shows: its box, backdrop and title. An element sets
 * `--mc-dialog-width` and `--mc-dialog-padding` on its host where it needs another size.
 */
export const dialogStyles = css`
  dialog {
    border: 1px solid var(--mc-border);
    border-radius: var(--mc-radius);
    background: var(--mc-bg);
    color: var(--mc-text);
    padding: var(--mc-dialog-padding, 1.25rem);
    width: min(var(--mc-dialog-width, 24rem), calc(100vw - 2rem));
    box-sizing: border-box;
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 45%);
  }
  h2 {
    margin: 0 0 0.75rem;
    font-size: 1.2rem;
  }
`;
