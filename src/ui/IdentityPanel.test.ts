import { expect } from '@esm-bundle/chai';
import { html } from 'lit';
import './IdentityPanel';
import type { IdentityExportDetail, IdentityImportDetail, IdentityPanel } from './IdentityPanel';
import { cleanupFixtures, expectAccessible, fixture, shadow } from '../testkit/ui/fixture';

describe('chat-identity-panel', () => {
  afterEach(cleanupFixtures);

  it('shows the key and the storage note accessibly, and sends export and import up', async () => {
    const el = await fixture<IdentityPanel>(
      html`<chat-identity-panel
        tag="3f9a-07c2-11d4"
        digits="12345 67890"
        storageNote="This browser may delete your identity"
      ></chat-identity-panel>`,
    );
    expect(shadow(el, 'section').textContent).to.contain('3f9a-07c2-11d4');
    expect(shadow(el, '[role="note"]').textContent).to.contain('may delete');
    await expectAccessible(el);
    const exports: string[] = [];
    el.addEventListener('identity-export', (e) =>
      exports.push((e as CustomEvent<IdentityExportDetail>).detail.passphrase),
    );
    const passphrase = shadow<HTMLInputElement>(el, 'input[name="export-passphrase"]');
    passphrase.value = 'long enough phrase';
    shadow<HTMLFormElement>(el, 'form').requestSubmit();
    expect(exports).to.deep.equal(['long enough phrase']);
    const imported = new Promise<IdentityImportDetail>((resolve) =>
      el.addEventListener('identity-import', (e) =>
        resolve((e as CustomEvent<IdentityImportDetail>).detail),
      ),
    );
    shadow<HTMLInputElement>(el, 'input[name="import-passphrase"]').value = 'phrase';
    (el.renderRoot.querySelectorAll('form')[1] as HTMLFormElement).requestSubmit();
    expect(await imported).to.deep.equal({ text: '', passphrase: 'phrase' });
  });

  it('says when the identity cannot be exported, and shows a problem as an alert', async () => {
    const el = await fixture<IdentityPanel>(
      html`<chat-identity-panel
        .exportable=${false}
        problem="Wrong passphrase"
      ></chat-identity-panel>`,
    );
    expect(shadow(el, 'section').textContent).to.contain('cannot be exported');
    expect(shadow(el, '[role="alert"]').textContent).to.contain('Wrong passphrase');
    await expectAccessible(el);
  });
});
