import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import {
  VIEWABLE_IMAGE_TYPES,
  formatBytes,
  isViewableImage,
  thumbnailUrl,
  type FileShelf,
} from '../app/FileShelf';
import type { LineFile } from '../app/ChatLine';
import { dialogStyles } from './dialogStyles';
import { theme } from './theme';

/**
 * A file in a message: for an image, its thumbnail, which opens a viewer (a modal dialog;
 * Escape closes it); for any file, its name, size and a Download button. The bytes are
 * fetched from peers on demand, with progress, and checked against the file's hash (by the
 * room's FileShelf). Nothing is ever rendered as markup: only a viewable raster type whose
 * bytes carry that format's signature is shown as an <img>; everything else, SVG and HTML
 * included, is only saved, through a blob: URL of type application/octet-stream.
 */
@customElement('chat-file-card')
export class FileCard extends LitElement {
  static override styles = [
    theme,
    dialogStyles,
    css`
      :host {
        display: block;
      }
      .thumb {
        display: block;
        padding: 0;
        border: 0;
        background: none;
        cursor: zoom-in;
        min-height: auto;
      }
      .thumb img {
        display: block;
        max-width: min(200px, 100%);
        max-height: 200px;
        border-radius: 6px;
      }
      .info {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.25rem 0.5rem;
        margin-top: 0.25rem;
      }
      .name {
        font-weight: 600;
        overflow-wrap: anywhere;
      }
      .size {
        font-size: 0.8rem;
        opacity: 0.8;
      }
      .error {
        color: var(--mc-danger);
        font-size: 0.85rem;
        margin: 0.25rem 0 0;
      }
      progress {
        width: 10rem;
      }
      dialog img {
        display: block;
        max-width: 90vw;
        max-height: 75vh;
        margin: 0.5rem auto;
      }
    `,
  ];

  @property({ attribute: false }) file: LineFile | undefined;
  @property({ attribute: false }) files: FileShelf | undefined;
  /** Bytes received while fetching; undefined while not fetching. */
  @state() private received: number | undefined;
  @state() private error = '';
  /** The object URL of the image shown in the viewer. */
  @state() private imageUrl = '';
  @state() private viewerNote = '';
  /** How much of this file this device has sent to a peer (0 to 1); undefined: nothing yet. */
  @state() private sent: number | undefined;
  private stopWatching: (() => void) | undefined;
  private watched: FileShelf | undefined;
  @query('dialog') private viewer!: HTMLDialogElement;
  private readonly urls: string[] = [];

  override updated(): void {
    // Follows what this device sends of the file to peers that fetch it.
    if (this.watched === this.files) return;
    this.stopWatching?.();
    this.watched = this.files;
    const hash = this.file?.hash;
    this.stopWatching =
      hash === undefined ? undefined : this.files?.onSending?.(hash, (sent) => (this.sent = sent));
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopWatching?.();
    this.stopWatching = undefined;
    this.watched = undefined;
    for (const url of this.urls.splice(0)) URL.revokeObjectURL(url);
    this.imageUrl = '';
  }

  override render() {
    const file = this.file;
    if (!file) return nothing;
    const image = VIEWABLE_IMAGE_TYPES.has(file.type);
    const thumb = image ? thumbnailUrl(file.thumb) : '';
    return html`
      ${
        thumb
          ? html`<button
              type="button"
              class="thumb"
              aria-label=${`Open image ${file.name}`}
              @click=${this.openViewer}
            >
              <img src=${thumb} alt=${file.name} />
            </button>`
          : nothing
      }
      <div class="info">
        <span class="name">${file.name}</span>
        <span class="size">${formatBytes(file.size)}</span>
        ${
          image && !thumb
            ? html`<button type="button" @click=${this.openViewer}>Open image</button>`
            : nothing
        }
        <button type="button" aria-label=${`Download ${file.name}`} @click=${this.download}>
          Download
        </button>
      </div>
      ${this.progress()} ${this.sending(file)}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <dialog aria-label=${file.name} @close=${() => (this.viewerNote = '')}>
        <h2>${file.name}</h2>
        ${this.progress()}
        ${this.imageUrl ? html`<img src=${this.imageUrl} alt=${file.name} />` : nothing}
        ${this.viewerNote ? html`<p class="error" role="alert">${this.viewerNote}</p>` : nothing}
        <div class="actions">
          <button type="button" @click=${this.download}>Download</button>
          <button type="button" @click=${() => this.viewer.close()}>Close</button>
        </div>
      </dialog>
    `;
  }

  private progress() {
    const file = this.file;
    if (!file || this.received === undefined) return nothing;
    const percent = Math.floor((this.received / file.size) * 100);
    return html`<p class="progress" role="status">
      <progress
        max=${file.size}
        value=${this.received}
        aria-label=${`Fetching ${file.name}`}
      ></progress>
      ${percent}%
    </p>`;
  }

  private sending(file: LineFile) {
    if (this.sent === undefined) return nothing;
    if (this.sent >= 1) return html`<p class="progress" role="status">Sent to a peer</p>`;
    return html`<p class="progress" role="status">
      <progress max="1" value=${this.sent} aria-label=${`Sending ${file.name}`}></progress>
      Sending ${Math.floor(this.sent * 100)}%
    </p>`;
  }

  /** The file's bytes: from this device or from peers (with progress); undefined on failure. */
  private async bytes(): Promise<Blob | undefined> {
    const file = this.file;
    if (!file) return undefined;
    if (!this.files) {
      this.error = 'The room is still opening: try again in a moment.';
      return undefined;
    }
    this.error = '';
    this.received = 0;
    try {
      return await this.files.open(file, (received) => (this.received = received));
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
      return undefined;
    } finally {
      this.received = undefined;
    }
  }

  private readonly openViewer = async (): Promise<void> => {
    const file = this.file;
    if (!file) return;
    this.viewer.showModal();
    if (this.imageUrl) return;
    const blob = await this.bytes();
    if (!blob) {
      this.viewerNote = this.error;
      return;
    }
    const head = new Uint8Array(await blob.slice(0, 16).arrayBuffer());
    if (!isViewableImage(file.type, head)) {
      this.viewerNote = `This file is not a ${file.type} image, so it is not shown. You can download it.`;
      return;
    }
    this.imageUrl = this.objectUrl(new Blob([blob], { type: file.type }));
  };

  private readonly download = async (): Promise<void> => {
    const file = this.file;
    if (!file) return;
    const blob = await this.bytes();
    if (!blob) return;
    // A download, never a page: no type the browser would render.
    const link = document.createElement('a');
    link.href = this.objectUrl(new Blob([blob], { type: 'application/octet-stream' }));
    link.download = file.name;
    link.rel = 'noopener';
    this.renderRoot.appendChild(link);
    link.click();
    link.remove();
  };

  private objectUrl(blob: Blob): string {
    const url = URL.createObjectURL(blob);
    this.urls.push(url);
    return url;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-file-card': FileCard;
  }
}
