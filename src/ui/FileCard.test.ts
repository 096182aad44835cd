import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { html } from 'lit';
import './FileCard';
import './Composer';
import type { FileCard } from './FileCard';
import type { Composer, FilesAttachDetail } from './Composer';
import type { FileShelf } from '../app/FileShelf';
import type { LineFile } from '../app/ChatLine';
import { encodeBase64url } from '../identity/base64url';
import { cleanupFixtures, expectAccessible, fixture, shadow } from '../testkit/ui/fixture';
import { poll } from '../testkit/waitFor';

async function png(width: number, height: number): Promise<Blob> {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2d context');
  context.fillStyle = '#c33';
  context.fillRect(0, 0, width, height);
  return canvas.convertToBlob({ type: 'image/png' });
}

/** A shelf that holds `blob` (or refuses with `refusal`), reporting progress in two steps. */
function shelf(blob: Blob | undefined, refusal = 'Refused: the bytes do not match.'): FileShelf {
  return {
    keep: () => Promise.reject(new Error('not used')),
    open: async (file, progress) => {
      progress?.(Math.floor(file.size / 2));
      await new Promise((resolve) => setTimeout(resolve, 10));
      if (!blob) throw new Error(refusal);
      return blob;
    },
    usage: () => Promise.resolve({ used: 0, quota: 1, files: 0 }),
  };
}

async function card(file: LineFile, files: FileShelf): Promise<FileCard> {
  return fixture<FileCard>(html`<chat-file-card .file=${file} .files=${files}></chat-file-card>`);
}

/** Catches the link a download clicks: its URL, name, and the bytes behind it. */
function catchDownload(el: FileCard): Promise<{ name: string; type: string; bytes: Uint8Array }> {
  return new Promise((resolve) => {
    el.shadowRoot?.addEventListener(
      'click',
      (event) => {
        const link = event.target;
        if (!(link instanceof HTMLAnchorElement)) return;
        event.preventDefault();
        void fetch(link.href)
          .then((r) => r.blob())
          .then(async (blob) =>
            resolve({
              name: link.download,
              type: blob.type,
              bytes: new Uint8Array(await blob.arrayBuffer()),
            }),
          );
      },
      { capture: true },
    );
  });
}

const hash = 'h'.repeat(43);

describe('chat-file-card', () => {
  afterEach(cleanupFixtures);

  it('shows an image’s thumbnail and opens it in a viewer that Escape closes', async () => {
    const image = await png(400, 300);
    const thumb = encodeBase64url(new Uint8Array(await (await png(40, 30)).arrayBuffer()));
    const file = { hash, name: 'red.png', type: 'image/png', size: image.size, thumb };
    const el = await card(file, shelf(image));
    const img = shadow<HTMLImageElement>(el, '.thumb img');
    expect(img.src).to.match(/^data:image\/png;base64,/);
    expect(img.alt).to.equal('red.png');
    await poll(() => img.complete && img.naturalWidth === 40, 'the thumbnail decodes');
    await expectAccessible(el);
    shadow<HTMLButtonElement>(el, 'button.thumb').click();
    const dialog = shadow<HTMLDialogElement>(el, 'dialog');
    expect(dialog.open).to.equal(true);
    await poll(() => el.shadowRoot?.querySelector('dialog img') !== null, 'the image shows');
    const full = shadow<HTMLImageElement>(el, 'dialog img');
    expect(full.src).to.match(/^blob:/);
    await poll(() => full.complete && full.naturalWidth === 400, 'the image decodes');
    await sendKeys({ press: 'Escape' });
    await poll(() => !dialog.open, 'Escape closes the viewer');
  });

  it('offers any other file only as a download of its exact bytes, with progress', async () => {
    const markup = new TextEncoder().encode(
      '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    );
    const file = {
      hash,
      name: 'evil.svg',
      type: 'image/svg+xml',
      size: markup.byteLength,
      thumb: '',
    };
    const el = await card(file, shelf(new Blob([markup])));
    expect(el.shadowRoot?.querySelector('img')).to.equal(null);
    expect(el.shadowRoot?.textContent).to.contain('evil.svg');
    expect(el.shadowRoot?.textContent).to.contain('59 B');
    const saved = catchDownload(el);
    shadow<HTMLButtonElement>(el, 'button[aria-label="Download evil.svg"]').click();
    await el.updateComplete;
    expect(shadow(el, 'progress').getAttribute('value')).to.equal(String(Math.floor(59 / 2)));
    const got = await saved;
    expect(got.name).to.equal('evil.svg');
    expect(got.type).to.equal('application/octet-stream');
    expect([...got.bytes]).to.deep.equal([...markup]);
    await poll(() => el.shadowRoot?.querySelector('progress') === null, 'progress goes away');
    expect(el.shadowRoot?.querySelector('img')).to.equal(null);
  });

  it('never shows bytes that are not the image type they claim', async () => {
    const markup = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>');
    const file = { hash, name: 'fake.png', type: 'image/png', size: markup.byteLength, thumb: '' };
    const el = await card(file, shelf(new Blob([markup])));
    shadow<HTMLButtonElement>(el, '.info button').click();
    await poll(
      () => (el.shadowRoot?.querySelector('dialog [role="alert"]')?.textContent ?? '') !== '',
      'the viewer explains',
    );
    expect(shadow(el, 'dialog [role="alert"]').textContent).to.contain('not shown');
    expect(el.shadowRoot?.querySelector('dialog img')).to.equal(null);
  });

  it('says so when the file was refused', async () => {
    const file = { hash, name: 'data.bin', type: '', size: 1000, thumb: '' };
    const el = await card(file, shelf(undefined));
    shadow<HTMLButtonElement>(el, 'button[aria-label="Download data.bin"]').click();
    await poll(() => el.shadowRoot?.querySelector('[role="alert"]') !== null, 'an alert shows');
    expect(shadow(el, '[role="alert"]').textContent).to.contain('Refused');
  });
});

describe('chat-composer: attaching files', () => {
  afterEach(cleanupFixtures);

  it('has a file input labelled "Attach file" that sends the picked files up', async () => {
    const el = await fixture<Composer>(html`<chat-composer></chat-composer>`);
    const input = shadow<HTMLInputElement>(el, 'input[type="file"]');
    expect(input.getAttribute('aria-label')).to.equal('Attach file');
    const got: File[] = [];
    el.addEventListener('files-attach', (e) =>
      got.push(...(e as CustomEvent<FilesAttachDetail>).detail.files),
    );
    const picked = new DataTransfer();
    picked.items.add(new File(['hi'], 'a.txt', { type: 'text/plain' }));
    input.files = picked.files;
    input.dispatchEvent(new Event('change'));
    expect(got.map((f) => f.name)).to.deep.equal(['a.txt']);
    // Pasting a file shares it too.
    const pasted = new DataTransfer();
    pasted.items.add(new File(['x'], 'b.png', { type: 'image/png' }));
    const paste = new ClipboardEvent('paste', { clipboardData: pasted, cancelable: true });
    shadow(el, 'textarea').dispatchEvent(paste);
    expect(got.map((f) => f.name)).to.deep.equal(['a.txt', 'b.png']);
    expect(paste.defaultPrevented).to.equal(true);
  });
});
