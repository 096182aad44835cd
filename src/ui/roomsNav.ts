import { html } from 'lit';
import type { ChatApplication } from '../app/ChatApplication';
import type { IdentityAccount } from '../app/IdentityAccount';
import { renderNavNotices } from './appNotices';
import './InvitationList';
import type { InvitationDetail } from './InvitationList';
import './MessageSearchBox';
import type { SearchOpenDetail } from './MessageSearchBox';
import './PasswordQuestion';
import type { PasswordAnswerDetail } from './PasswordQuestion';
import './RoomList';
import type { RoomJoinDetail, RoomOpenDetail } from './RoomList';

/** What the rooms' navigation asks of the shell that shows it. */
export interface RoomsNavHost {
  readonly account: IdentityAccount | undefined;
  /** Runs a room intent, then sends the focus to the room it opened. */
  thenFocus(work: Promise<unknown>): Promise<void>;
  /** Opens the room of a search result and shows the message in it. */
  readonly onSearchOpen: (event: CustomEvent<SearchOpenDetail>) => Promise<void>;
  readonly showIdentity: () => void;
}

/**
 * The shell's column of rooms: search across rooms, the room list, a link's password
 * question, DM invitations and the notes under them. Intents go to `app`.
 */
export function renderRoomsNav(app: ChatApplication, host: RoomsNavHost) {
  const record = app.currentRecord;
  return html`<nav aria-label="Rooms">
    <chat-message-search
      .search=${(query: string, progress: (n: number) => void) =>
        app.searchMessages(query, progress)}
      .label=${(userId: string) => app.names.label(userId)}
      .roomLabel=${(roomId: string) =>
        app.rooms.find((r) => r.record.roomId === roomId)?.label ?? roomId}
      @search-open=${host.onSearchOpen}
    ></chat-message-search>
    <chat-room-list
      .rooms=${app.rooms}
      currentId=${record?.roomId ?? ''}
      notice=${app.notice ?? ''}
      @room-open=${(e: CustomEvent<RoomOpenDetail>) =>
        void host.thenFocus(app.openRoom(e.detail.roomId))}
      @room-create=${() => void host.thenFocus(app.createRoom())}
      @room-join=${(e: CustomEvent<RoomJoinDetail>) =>
        void host.thenFocus(app.joinByLink(e.detail.link))}
    ></chat-room-list>
    <chat-password-question
      room=${questionRoom(app)}
      @password-answer=${(e: CustomEvent<PasswordAnswerDetail>) =>
        void app.answerPasswordQuestion(e.detail.useLink)}
    ></chat-password-question>
    <chat-invitations
      .invitations=${app.invitations.map((i) => ({
        userId: i.peerUserId,
        label: app.names.label(i.peerUserId),
      }))}
      @invitation-accept=${(e: CustomEvent<InvitationDetail>) =>
        void host.thenFocus(app.acceptInvitation(e.detail.userId))}
      @invitation-ignore=${(e: CustomEvent<InvitationDetail>) =>
        void app.ignoreInvitation(e.detail.userId)}
    ></chat-invitations>
    ${renderNavNotices(app, host.account, host.showIdentity)}
  </nav>`;
}

/** The name of the room a followed link would change the password of, if any. */
function questionRoom(app: ChatApplication): string {
  const roomId = app.passwordQuestion?.roomId;
  return roomId ? (app.rooms.find((r) => r.record.roomId === roomId)?.label ?? roomId) : '';
}
