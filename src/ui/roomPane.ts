import { html } from 'lit';
import type { ChatApplication } from '../app/ChatApplication';
import type { RoomRecord } from '../app/RoomDirectory';
import type { DirectMessageDetail, KeyCompareDetail } from './ParticipantList';

/** What the room's pane asks of the shell that shows it. */
export interface RoomPaneHost {
  readonly online: boolean;
  /** Unread messages in the rooms not on screen. */
  readonly unreadElsewhere: number;
  /** The room lost the signaling server: check whether the network is gone. */
  readonly checkConnection: () => void;
  /** Leaves the room, once the user confirmed it. */
  readonly leave: (record: RoomRecord) => void;
  readonly exportHistory: (roomId: string) => void;
  readonly importHistory: (roomId: string, text: string) => void;
  /** Shows the safety number with a participant. */
  readonly onKeyCompare: (event: CustomEvent<KeyCompareDetail>) => void;
}

/**
 * The shell's pane beside the rooms: the room on screen (its view, loaded when first shown)
 * or a line that asks the user to pick one. Intents go to `app` and to `host`.
 */
export function renderRoomPane(app: ChatApplication, host: RoomPaneHost) {
  const room = app.current;
  const record = app.currentRecord;
  const item = record ? app.rooms.find((r) => r.record.roomId === record.roomId) : undefined;
  return html`<section class="pane" aria-label=${item?.label ?? record?.title ?? 'Room'}>
    ${
      room && record
        ? html`<chat-room-view
            .room=${room}
            .names=${app.names}
            heading=${item?.label ?? record.title}
            link=${app.linkOf(record.roomId)}
            .newSince=${app.newSince(record.roomId)}
            ?muted=${record.muted === true}
            @room-mute=${() => void app.setMuted(record.roomId, true)}
            @room-unmute=${() => void app.setMuted(record.roomId, false)}
            ?online=${host.online}
            unreadElsewhere=${host.unreadElsewhere}
            @connection-check=${host.checkConnection}
            ?direct=${record.kind === 'dm'}
            .canMessage=${(userId: string) => app.canMessagePrivately(userId)}
            @go-home=${() => app.goHome()}
            @room-leave=${() => host.leave(record)}
            @history-export=${() => host.exportHistory(record.roomId)}
            @history-import=${(event: CustomEvent<string>) =>
              host.importHistory(record.roomId, event.detail)}
            @key-compare=${host.onKeyCompare}
            @direct-message=${(e: CustomEvent<DirectMessageDetail>) =>
              void app.openDirectMessage(e.detail.userId)}
          ></chat-room-view>`
        : html`<p class="placeholder">Pick a room, or create one and share its link.</p>`
    }
  </section>`;
}
