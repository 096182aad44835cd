// Shared design tokens and small shared styles. Every element includes `theme` so it renders
// with the right colours alone (in its tests) as well as inside the app; dark mode follows
// prefers-color-scheme. Colours are chosen for at least 4.5:1 text contrast in both schemes.
import { css } from 'lit';

export const theme = css`
  :host {
    --mc-bg: #ffffff;
    --mc-surface: #f1f4f3;
    --mc-surface-2: #e4e9e7;
    --mc-text: #18201d;
    --mc-muted: #4f5b57;
    --mc-border: #c9d1ce;
    --mc-accent: #1f6f5c;
    --mc-accent-text: #ffffff;
    --mc-own: #1f6f5c;
    --mc-own-text: #ffffff;
    --mc-other: #eef2f1;
    --mc-link: #0b57a4;
    --mc-own-link: #ffffff;
    --mc-danger: #a4251c;
    --mc-warning-bg: #fff4d6;
    --mc-warning-text: #4d3800;
    --mc-focus: #1a73e8;
    --mc-radius: 12px;
    color-scheme: light dark;
    color: var(--mc-text);
    font-family:
      system-ui,
      -apple-system,
      'Segoe UI',
      Roboto,
      sans-serif;
    font-size: 16px;
    line-height: 1.4;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --mc-bg: #111715;
      --mc-surface: #1a2220;
      --mc-surface-2: #24302c;
      --mc-text: #e7eeeb;
      --mc-muted: #a9b7b2;
      --mc-border: #3a4843;
      --mc-accent: #62d1b3;
      --mc-accent-text: #06251d;
      --mc-own: #1d6b58;
      --mc-own-text: #ffffff;
      --mc-other: #222c29;
      --mc-link: #8cc2ff;
      --mc-own-link: #ffffff;
      --mc-danger: #ff8a80;
      --mc-warning-bg: #3b2f0b;
      --mc-warning-text: #ffe6a3;
      --mc-focus: #8ab4f8;
    }
  }
  button {
    font: inherit;
    cursor: pointer;
    border-radius: 8px;
    border: 1px solid var(--mc-border);
    background: var(--mc-surface);
    color: var(--mc-text);
    padding: 0.45rem 0.8rem;
    min-height: 2.5rem;
  }
  button.primary {
    background: var(--mc-accent);
    border-color: var(--mc-accent);
    color: var(--mc-accent-text);
    font-weight: 600;
  }
  button:disabled {
    opacity: 0.6;
    cursor: default;
  }
  :focus-visible {
    outline: 3px solid var(--mc-focus);
    outline-offset: 2px;
  }
  input,
  textarea {
    font: inherit;
    color: var(--mc-text);
    background: var(--mc-bg);
    border: 1px solid var(--mc-border);
    border-radius: 8px;
    padding: 0.5rem 0.65rem;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
`;
