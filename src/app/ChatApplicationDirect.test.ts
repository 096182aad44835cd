import { expect } from '@esm-bundle/chai';
import { MAX_PENDING_INVITATIONS } from '../direct/DirectRooms';
import { poll } from '../testkit/waitFor';
import { appUsers } from '../testkit/app/appUsers';

describe('ChatApplication direct messages', () => {
  const users = appUsers();
  const { user } = users;

  /** Ann and Ben meet in a lobby, and Ann asks Ben for a DM (its id). */
  async function annInvitesBen() {
    const ann = await user('Ann');
    const ben = await user('Ben');
    for (const u of [ann, ben]) await u.app.openRoom('lobby-room', 'pw');
    await poll(() => ann.app.canMessagePrivately(ben.app.userId));
    await ann.app.openDirectMessage(ben.app.userId);
    return { ann, ben, dmId: ann.app.current?.roomId ?? '' };
  }

  it('opens a DM only once the invitee accepts; nobody else learns of it', async () => {
    const ann = await user('Ann');
    const ben = await user('Ben');
    const cy = await user('Cy');
    for (const u of [ann, ben, cy]) await u.app.openRoom('lobby-room', 'pw');
    await poll(() => ann.app.canMessagePrivately(ben.app.userId));
    expect(await ann.app.openDirectMessage(ben.app.userId)).to.equal(true);
    const dmId = ann.app.current?.roomId ?? '';
    expect(dmId).to.match(/^dm-/);
    await poll(() => ben.app.invitations.some((i) => i.peerUserId === ann.app.userId));
    // Nothing opens until Ben answers, and the third user is invited to nothing.
    expect(ben.app.rooms.map((r) => r.record.roomId)).to.deep.equal(['lobby-room']);
    expect(cy.app.invitations).to.deep.equal([]);
    expect(cy.app.rooms.map((r) => r.record.roomId)).to.deep.equal(['lobby-room']);
    await ben.app.acceptInvitation(ann.app.userId);
    expect(ben.app.invitations).to.deep.equal([]);
    expect(ben.app.current?.roomId).to.equal(dmId);
    const benDm = ben.app.rooms.find((r) => r.record.roomId === dmId);
    expect(benDm?.record.kind).to.equal('dm');
    expect(benDm?.label).to.equal('Ann');
    // The same password on both sides; neither the address bar nor a share link carries it.
    const annDm = ann.app.rooms.find((r) => r.record.roomId === dmId);
    expect(benDm?.record.password).to.equal(annDm?.record.password);
    expect(ben.win.location.hash).to.equal('');
    expect(ben.app.linkOf(dmId)).to.equal('');
    ben.hidden.value = true;
    await ben.app.visibilityChanged();
    ann.app.current?.send('psst');
    await poll(() => ben.notifier.shown.length === 1);
    expect(ben.notifier.shown[0]).to.include({ title: 'Ann', body: 'psst', tag: dmId });
    expect(ben.app.rooms.find((r) => r.record.roomId === dmId)?.unread).to.equal(1);
  });

  it('lets a flood of invitations from fresh identities open nothing, and caps the waiting ones', async () => {
    const ben = await user('Ben');
    await ben.app.openRoom('lobby-room', 'pw');
    const strangers = [];
    for (let i = 0; i <= MAX_PENDING_INVITATIONS; i += 1) strangers.push(await user(`Eve ${i}`));
    for (const eve of strangers) {
      await eve.app.openRoom('lobby-room', 'pw');
      await poll(() => eve.app.canMessagePrivately(ben.app.userId));
      expect(await eve.app.openDirectMessage(ben.app.userId)).to.equal(true);
    }
    await poll(() => ben.app.invitations.length === MAX_PENDING_INVITATIONS);
    expect(ben.app.rooms.map((r) => r.record.roomId)).to.deep.equal(['lobby-room']);
    expect(users.mesh.of(ben.app.userId).map((r) => r.roomId)).to.deep.equal(['lobby-room']);
  });

  it('does not bring back a DM the user left or an invitation the user ignored', async () => {
    const { ann, ben, dmId } = await annInvitesBen();
    await poll(() => ben.app.invitations.length === 1);
    await ben.app.ignoreInvitation(ann.app.userId);
    expect(ben.app.invitations).to.deep.equal([]);
    await ben.app.openRoom('lobby-room');
    // A later change of Ann's card (her name) shows Ben has read her state, invitation included.
    await ann.app.setDisplayName('Annie');
    await poll(() =>
      (ben.app.current?.snapshot().participants ?? []).some((p) => p.label === 'Annie'),
    );
    expect(ben.app.invitations).to.deep.equal([]);
    expect(ben.app.rooms.map((r) => r.record.roomId)).to.deep.equal(['lobby-room']);
    // Ben can still open it himself.
    expect(await ben.app.openDirectMessage(ann.app.userId)).to.equal(true);
    expect(ben.app.current?.roomId).to.equal(dmId);
  });

  it('never lets a link change a DM’s password, nor a third user join a DM by its URL', async () => {
    const { ann, dmId } = await annInvitesBen();
    const password = ann.app.currentRecord?.password;
    await ann.app.openRoom(dmId, 'attacker-pw');
    expect(ann.app.passwordQuestion).to.equal(undefined);
    expect(ann.app.notice).to.match(/cannot change a private room/);
    expect(ann.app.currentRecord?.password).to.equal(password);
    const cy = await user('Cy', `/r/${dmId}#k=${password ?? ''}`);
    expect(cy.app.current).to.equal(undefined);
    expect(cy.app.rooms).to.deep.equal([]);
    expect(cy.app.notice).to.match(/cannot be joined by link/);
  });
});
