import { expect } from '@esm-bundle/chai';
import { html } from 'lit';
import './ShareDialog';
import type { ShareDialog } from './ShareDialog';
import { cleanupFixtures, expectAccessible, fixture, shadow } from '../testkit/ui/fixture';
import { poll } from '../testkit/waitFor';

const LINK = 'https://chat.example/r/abcdefgh#k=secret';

describe('chat-share-dialog', () => {
  afterEach(cleanupFixtures);

  // First in this file: once any test opens the dialog, the QR element is defined for good.
  it('loads the QR code when it first opens, and then draws it', async () => {
    const el = await fixture<ShareDialog>(
      html`<chat-share-dialog link=${LINK}></chat-share-dialog>`,
    );
    expect(customElements.get('chat-qr-code') === undefined, 'defined before opening').to.equal(
      true,
    );
    el.show();
    await customElements.whenDefined('chat-qr-code');
    const qr = shadow(el, 'chat-qr-code');
    await poll(() => qr.shadowRoot?.querySelector('svg path') != null);
    expect(qr.shadowRoot?.querySelector('svg')?.getAttribute('aria-label')).to.equal(
      'QR code of the room link',
    );
    el.close();
  });

  it('opens as a modal dialog with the link, a copy button and a QR code', async () => {
    const el = await fixture<ShareDialog>(
      html`<chat-share-dialog link=${LINK}></chat-share-dialog>`,
    );
    el.show();
    expect(el.open).to.equal(true);
    expect(shadow<HTMLInputElement>(el, '#share-link').value).to.equal(LINK);
    const qr = shadow(el, 'chat-qr-code');
    expect((qr as HTMLElement & { value: string }).value).to.equal(LINK);
    await expectAccessible(el);
    el.close();
    expect(el.open).to.equal(false);
  });

  it('copies the link to the clipboard', async () => {
    const el = await fixture<ShareDialog>(
      html`<chat-share-dialog link=${LINK}></chat-share-dialog>`,
    );
    const copied: string[] = [];
    const original = Object.getOwnPropertyDescriptor(Navigator.prototype, 'clipboard');
    Object.defineProperty(navigator, 'clipboard', {
      configurable: true,
      value: { writeText: (text: string) => Promise.resolve(void copied.push(text)) },
    });
    try {
      el.show();
      const copy = [...(el.shadowRoot?.querySelectorAll('button') ?? [])].find(
        (b) => b.textContent.trim() === 'Copy link',
      );
      copy?.click();
      await poll(() => copied.length === 1);
      expect(copied).to.deep.equal([LINK]);
      await el.updateComplete;
      expect(shadow(el, '[role="status"]').textContent).to.contain('Link copied');
    } finally {
      delete (navigator as unknown as Record<string, unknown>).clipboard;
      if (original) Object.defineProperty(Navigator.prototype, 'clipboard', original);
    }
  });
});
