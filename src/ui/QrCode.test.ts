import { expect } from '@esm-bundle/chai';
import { html } from 'lit';
import './QrCode';
import { qrPath, type QrCode } from './QrCode';
import { cleanupFixtures, expectAccessible, fixture, shadow } from '../testkit/ui/fixture';

describe('chat-qr-code', () => {
  afterEach(cleanupFixtures);

  it('draws a QR code of the value, the same for the same value', () => {
    const a = qrPath('https://chat.example/r/abcdefgh#k=secret');
    expect(a.size).to.be.greaterThan(20);
    expect(a.path).to.match(/^(M\d+ \d+h1v1h-1z)+$/);
    expect(qrPath('https://chat.example/r/abcdefgh#k=secret')).to.deep.equal(a);
    expect(qrPath('https://chat.example/r/other-room').path).to.not.equal(a.path);
  });

  it('is a labelled image', async () => {
    const el = await fixture<QrCode>(
      html`<chat-qr-code
        value="https://chat.example/r/abcdefgh"
        label="QR code of the room link"
      ></chat-qr-code>`,
    );
    const svg = shadow(el, 'svg');
    expect(svg.getAttribute('role')).to.equal('img');
    expect(svg.getAttribute('aria-label')).to.equal('QR code of the room link');
    await expectAccessible(el);
  });
});
