import { expect } from '@esm-bundle/chai';
import { html } from 'lit';
import type { RoomListItem } from '../app/ChatApplicationOptions';
import './RoomList';
import type { RoomJoinDetail, RoomList, RoomOpenDetail } from './RoomList';
import { cleanupFixtures, expectAccessible, fixture, shadow } from '../testkit/ui/fixture';

const rooms: RoomListItem[] = [
  {
    record: {
      roomId: 'group-room',
      kind: 'group',
      title: 'Room group',
      joinedAt: 1,
      lastReadAt: 0,
      password: 'pw',
    },
    label: 'Room group',
    unread: 3,
  },
  {
    record: {
      roomId: 'dm-abcdefgh',
      kind: 'dm',
      title: 'Direct message',
      peerUserId: 'u',
      joinedAt: 2,
      lastReadAt: 0,
    },
    label: 'Ben',
    unread: 0,
  },
];

describe('chat-room-list', () => {
  afterEach(cleanupFixtures);

  it('lists rooms as links with unread counts and the current one marked', async () => {
    const el = await fixture<RoomList>(
      html`<chat-room-list .rooms=${rooms} currentId="dm-abcdefgh"></chat-room-list>`,
    );
    const links = [...(el.shadowRoot?.querySelectorAll('a') ?? [])];
    expect(links.map((a) => a.textContent.replace(/\s+/g, ' ').trim())).to.deep.equal([
      'Room group 3 unread',
      'Ben Private',
    ]);
    expect(links[0]?.getAttribute('href')).to.equal('/r/group-room#k=pw');
    expect(links[1]?.getAttribute('aria-current')).to.equal('page');
  });

  it('sends room-open on a plain click, not on a ctrl-click', async () => {
    const el = await fixture<RoomList>(html`<chat-room-list .rooms=${rooms}></chat-room-list>`);
    const opened: string[] = [];
    el.addEventListener('room-open', (e) =>
      opened.push((e as CustomEvent<RoomOpenDetail>).detail.roomId),
    );
    const link = shadow<HTMLAnchorElement>(el, 'a');
    const plain = new MouseEvent('click', { bubbles: true, cancelable: true, button: 0 });
    link.dispatchEvent(plain);
    expect(plain.defaultPrevented).to.equal(true);
    const ctrl = new MouseEvent('click', { bubbles: true, cancelable: true, ctrlKey: true });
    ctrl.preventDefault();
    link.dispatchEvent(ctrl);
    expect(opened).to.deep.equal(['group-room']);
  });

  it('has "Create room" and joins by a pasted link', async () => {
    const el = await fixture<RoomList>(html`<chat-room-list></chat-room-list>`);
    let created = 0;
    const joined: string[] = [];
    el.addEventListener('room-create', () => (created += 1));
    el.addEventListener('room-join', (e) =>
      joined.push((e as CustomEvent<RoomJoinDetail>).detail.link),
    );
    const create = shadow<HTMLButtonElement>(el, 'button.primary');
    expect(create.textContent.trim()).to.equal('Create room');
    create.click();
    const input = shadow<HTMLInputElement>(el, '#join-link');
    input.value = ' https://x.example/r/abcdefgh ';
    input.form?.requestSubmit();
    expect(created).to.equal(1);
    expect(joined).to.deep.equal(['https://x.example/r/abcdefgh']);
    expect(input.value).to.equal('');
    expect(shadow(el, '.empty').textContent).to.contain('No rooms yet');
  });

  it('is accessible, with rooms and with a notice', async () => {
    const el = await fixture<RoomList>(
      html`<chat-room-list
        .rooms=${rooms}
        currentId="group-room"
        notice="That is not a room link."
      ></chat-room-list>`,
    );
    await expectAccessible(el);
  });
});
