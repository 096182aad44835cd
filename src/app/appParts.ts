// How the parts of a ChatApplication are made and wired to one another: the joined rooms,
// the live (connected) ones, unread counts, DMs, device search, history files, and the room
// on screen. Each part hears the others through callbacks, never through the application.
import { DH_FIELD, type DhAnnouncement } from '../direct/DirectMessages';
import { DirectRooms } from '../direct/DirectRooms';
import { DEFAULT_MAX_LIVE_ROOMS, type ChatApplicationOptions } from './ChatApplicationOptions';
import { DeviceSearch } from './DeviceSearch';
import { HistoryFiles } from './HistoryFiles';
import { JoinedRooms } from './JoinedRooms';
import { LiveRooms } from './LiveRooms';
import { RoomOpening } from './RoomOpening';
import { UnreadCounts } from './UnreadCounts';

/** The parts a ChatApplication delegates to. */
export interface AppParts {
  readonly joined: JoinedRooms;
  readonly direct: DirectRooms;
  readonly files: HistoryFiles;
  readonly search: DeviceSearch;
  readonly live: LiveRooms;
  readonly unread: UnreadCounts;
  readonly opening: RoomOpening;
}

/** What the parts ask of the application that holds them. */
export interface AppHooks {
  readonly userId: string;
  readonly now: () => number;
  readonly isHidden: () => boolean;
  displayName(): string | undefined;
  /** This device's signed key of direct messages, once announced: each room opened gets it. */
  announcement(): DhAnnouncement | undefined;
  destroyed(): boolean;
  /** Tells the application's listeners that something changed. */
  changed(): void;
}

/** Makes the parts of an application with `options`, wired to one another and to `app`. */
export function appParts(options: ChatApplicationOptions, app: AppHooks): AppParts {
  const joined = new JoinedRooms({
    directory: options.directory,
    names: options.names,
    changed: () => app.changed(),
  });
  const direct = new DirectRooms(
    {
      userId: app.userId,
      records: () => joined.all,
      liveRooms: () => live.states(),
      add: async (record) => {
        const kept = await options.directory.add(record);
        joined.remember(kept);
        return kept;
      },
      open: (record) => {
        if (!app.destroyed()) live.ensure(record);
      },
      changed: () => app.changed(),
    },
    { dh: options.dh, verifier: options.verifier, settings: options.settings, now: app.now },
  );
  const files = new HistoryFiles({
    ...(options.history ? { history: options.history } : {}),
    names: options.names,
    labelOf: (roomId) => {
      const record = joined.find(roomId);
      return record && joined.labelOf(record);
    },
    reload: async (roomId) => live.get(roomId)?.state.reloadStored(),
    changed: () => app.changed(),
  });
  const search = new DeviceSearch({
    ...(options.history ? { history: options.history } : {}),
    rooms: () => joined.all.map((r) => r.roomId),
    open: () => live.states(),
  });
  const live: LiveRooms = new LiveRooms({
    openRoom: options.openRoom,
    names: options.names,
    ...(options.history ? { history: options.history } : {}),
    maxLive: options.maxLiveRooms ?? DEFAULT_MAX_LIVE_ROOMS,
    displayName: () => app.displayName(),
    onScreen: () => opening.onScreen,
    onEntries: (roomId, entries) => {
      unread.onEntries(roomId, entries);
      search.arrived(roomId, entries);
    },
    onDeleted: (roomId, ids) => search.deleted(roomId, ids),
    onStoredHistory: (roomId, entries) => search.arrived(roomId, entries),
    onPresence: (state) => direct.seen(state),
    opened: (state) => {
      const name = app.displayName();
      if (name) options.names.learn(app.userId, name);
      const announcement = app.announcement();
      if (announcement) state.publish(DH_FIELD, announcement);
      direct.seen(state);
      state.subscribe(() => joined.nameFromLog(state));
    },
  });
  const unread: UnreadCounts = new UnreadCounts({
    userId: app.userId,
    directory: options.directory,
    notifier: options.notifier,
    names: options.names,
    now: app.now,
    displayName: () => app.displayName(),
    isHidden: app.isHidden,
    record: (roomId) => joined.find(roomId),
    remember: (record) => joined.remember(record),
    onScreen: () => opening.onScreen,
    open: (roomId) => void opening.openRoom(roomId),
    changed: () => app.changed(),
  });
  const opening: RoomOpening = new RoomOpening({
    directory: options.directory,
    router: options.router,
    settings: options.settings,
    joined,
    live,
    unread,
    now: app.now,
    displayName: () => app.displayName(),
    changed: () => app.changed(),
  });
  return { joined, direct, files, search, live, unread, opening };
}
