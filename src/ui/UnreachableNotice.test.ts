import { expect } from '@esm-bundle/chai';
import { html } from 'lit';
import './UnreachableNotice';
import type { UnreachableNotice } from './UnreachableNotice';
import { cleanupFixtures, expectAccessible, fixture, shadow } from '../testkit/ui/fixture';

describe('chat-unreachable-notice', () => {
  afterEach(cleanupFixtures);

  it('says the others cannot be reached and what helps, as an alert, accessibly', async () => {
    const el = await fixture<UnreachableNotice>(
      html`<chat-unreachable-notice></chat-unreachable-notice>`,
    );
    const alert = shadow(el, '[role="alert"]');
    expect(alert.textContent).to.contain('cannot be reached');
    expect(alert.textContent).to.contain('TURN');
    expect(alert.textContent).to.contain('another network');
    await expectAccessible(el);
  });
});
