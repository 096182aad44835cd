import { LitElement, css, html, svg } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { generate } from 'lean-qr';

/** The dark modules of a QR code of `text` as one SVG path, and the code's size. */
export function qrPath(text: string): { size: number; path: string } {
  const code = generate(text);
  const parts: string[] = [];
  for (let y = 0; y < code.size; y += 1) {
    for (let x = 0; x < code.size; x += 1) {
      if (code.get(x, y)) parts.push(`M${x} ${y}h1v1h-1z`);
    }
  }
  return { size: code.size, path: parts.join('') };
}

/** A QR code of `value`, drawn as SVG: dark on white in either colour scheme, so it scans. */
@customElement('chat-qr-code')
export class QrCode extends LitElement {
  static override styles = css`
    :host {
      display: inline-block;
      background: #ffffff;
      padding: 12px;
      border-radius: 8px;
      line-height: 0;
    }
    svg {
      width: var(--qr-size, 200px);
      height: var(--qr-size, 200px);
    }
  `;

  @property() value = '';
  /** The accessible name of the picture. */
  @property() label = 'QR code';

  override render() {
    if (!this.value) return html``;
    const { size, path } = qrPath(this.value);
    return html`<svg
      role="img"
      aria-label=${this.label}
      viewBox="0 0 ${size} ${size}"
      shape-rendering="crispEdges"
    >
      ${svg`<path d=${path} fill="#000000"></path>`}
    </svg>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-qr-code': QrCode;
  }
}
