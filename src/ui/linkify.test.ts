import { expect } from '@esm-bundle/chai';
import { html } from 'lit';
import { cleanupFixtures, fixture } from '../testkit/ui/fixture';
import { linkify, safeHref } from './linkify';

describe('linkify', () => {
  afterEach(cleanupFixtures);

  it('makes http and https URLs links that open safely', async () => {
    const el = await fixture<HTMLElement>(
      html`<p>${linkify('see https://example.com/a?b=1, and http://x.test.')}</p>`,
    );
    const links = [...el.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).to.deep.equal([
      'https://example.com/a?b=1',
      'http://x.test/',
    ]);
    for (const a of links) {
      expect(a.rel).to.equal('noopener noreferrer');
      expect(a.target).to.equal('_blank');
    }
    expect(el.textContent).to.equal('see https://example.com/a?b=1, and http://x.test.');
  });

  it('links bare www. addresses to https', async () => {
    const el = await fixture<HTMLElement>(
      html`<p>${linkify('try www.example.com/x. Or WWW.Example.org, not www. or www.x')}</p>`,
    );
    const links = [...el.querySelectorAll('a')];
    expect(links.map((a) => [a.textContent, a.getAttribute('href')])).to.deep.equal([
      ['www.example.com/x', 'https://www.example.com/x'],
      ['WWW.Example.org', 'https://www.example.org/'],
    ]);
    expect(links[0]?.rel).to.equal('noopener noreferrer');
    expect(el.textContent).to.equal('try www.example.com/x. Or WWW.Example.org, not www. or www.x');
  });

  it('never links other schemes, and renders markup as text', async () => {
    const text = 'javascript:alert(1) data:text/html,x <img src=x onerror=alert(1)> <b>b</b>';
    const el = await fixture<HTMLElement>(html`<p>${linkify(text)}</p>`);
    expect(el.querySelectorAll('a, img, b').length).to.equal(0);
    expect(el.textContent).to.equal(text);
    expect(safeHref('javascript:alert(1)')).to.equal(undefined);
    expect(safeHref('https://ok.example')).to.equal('https://ok.example/');
  });
});
