import { expect } from '@esm-bundle/chai';
import { html } from 'lit';
import './InvitationList';
import './PasswordQuestion';
import type { InvitationDetail, InvitationList } from './InvitationList';
import type { PasswordAnswerDetail, PasswordQuestion } from './PasswordQuestion';
import { cleanupFixtures, expectAccessible, fixture, shadow } from '../testkit/ui/fixture';

describe('chat-invitations', () => {
  afterEach(cleanupFixtures);

  it('shows each invitation with Accept and Ignore, accessibly, and sends the answer up', async () => {
    const el = await fixture<InvitationList>(
      html`<chat-invitations
        .invitations=${[{ userId: 'u-ann', label: 'Ann' }]}
      ></chat-invitations>`,
    );
    expect(shadow(el, 'li').textContent).to.contain('Ann wants to message you privately');
    await expectAccessible(el);
    const answers: string[] = [];
    for (const type of ['invitation-accept', 'invitation-ignore']) {
      el.addEventListener(type, (e) =>
        answers.push(`${type}:${(e as CustomEvent<InvitationDetail>).detail.userId}`),
      );
    }
    const buttons = el.renderRoot.querySelectorAll('button');
    expect([...buttons].map((b) => b.textContent.trim())).to.deep.equal(['Accept', 'Ignore']);
    for (const button of buttons) button.click();
    expect(answers).to.deep.equal(['invitation-accept:u-ann', 'invitation-ignore:u-ann']);
  });

  it('renders nothing without invitations', async () => {
    const el = await fixture<InvitationList>(html`<chat-invitations></chat-invitations>`);
    expect(el.renderRoot.querySelector('section')).to.equal(null);
  });
});

describe('chat-password-question', () => {
  afterEach(cleanupFixtures);

  it('asks before a link changes a room’s password, accessibly', async () => {
    const el = await fixture<PasswordQuestion>(
      html`<chat-password-question room="Room abc"></chat-password-question>`,
    );
    expect(shadow(el, '[role="alertdialog"]').textContent).to.contain('another password');
    await expectAccessible(el);
    const answers: boolean[] = [];
    el.addEventListener('password-answer', (e) =>
      answers.push((e as CustomEvent<PasswordAnswerDetail>).detail.useLink),
    );
    for (const button of el.renderRoot.querySelectorAll('button')) button.click();
    expect(answers).to.deep.equal([true, false]);
  });
});
