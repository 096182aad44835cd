import { css } from 'lit';

/**
 * The message box: the typing line, the box with its attach button, the reply being
 * answered, the list of people to mention, and the length counter and errors.
 */
export const composerStyles = css`
  :host {
    display: block;
    padding: 0.25rem 0.75rem 0.75rem;
  }
  .typing {
    font-size: 0.8rem;
    color: var(--mc-muted);
    min-height: 1.2rem;
    margin: 0 0 0.2rem;
  }
  form {
    display: flex;
    gap: 0.5rem;
    align-items: flex-end;
  }
  textarea {
    flex: 1;
    min-width: 0;
    resize: none;
    min-height: 2.6rem;
    max-height: var(--mc-composer-max-height, 10rem);
    box-sizing: border-box;
    field-sizing: content;
  }
  .attach {
    position: relative;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    min-width: 2.6rem;
    min-height: 2.6rem;
    border: 1px solid var(--mc-border);
    border-radius: 6px;
    cursor: pointer;
  }
  .attach:focus-within {
    outline: 2px solid var(--mc-accent);
  }
  .attach input {
    position: absolute;
    inset: 0;
    opacity: 0;
    cursor: pointer;
  }
  textarea[aria-invalid='true'] {
    border-color: var(--mc-danger);
  }
  .replying {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    font-size: 0.8rem;
    border-left: 3px solid var(--mc-accent);
    padding-left: 0.5rem;
    margin-bottom: 0.3rem;
  }
  .replying span {
    flex: 1;
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .mentions {
    list-style: none;
    margin: 0 0 0.3rem;
    padding: 0.25rem;
    border: 1px solid var(--mc-border);
    border-radius: var(--mc-radius);
    background: var(--mc-bg);
    box-shadow: 0 2px 8px rgb(0 0 0 / 20%);
    max-width: 20rem;
  }
  .mentions li {
    padding: 0.3rem 0.5rem;
    border-radius: 6px;
    cursor: pointer;
  }
  .mentions li[aria-selected='true'] {
    background: var(--mc-accent);
    color: var(--mc-accent-text);
  }
  .count,
  .error {
    font-size: 0.8rem;
    margin: 0.2rem 0 0;
  }
  .count {
    color: var(--mc-muted);
  }
  .error,
  .count.over {
    color: var(--mc-danger);
  }
`;
