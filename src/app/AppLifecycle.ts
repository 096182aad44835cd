// The app state of one tab as it starts and stops: who the user is and their name, the parts
// it delegates to (LiveRooms for the open rooms, UnreadCounts, direct/DirectRooms, JoinedRooms,
// RoomOpening), the first paint and the change notices. ChatApplication adds the intents the
// UI sends (rooms, links and their password questions, DMs, history files).
import { announceDh, DH_FIELD, type DhAnnouncement } from '../direct/DirectMessages';
import type { DirectRooms } from '../direct/DirectRooms';
import type { NameBook } from './NameBook';
import type { RoomRecord } from './RoomDirectory';
import type { LiveRooms } from './LiveRooms';
import { nextPaint } from './nextPaint';
import type { RoomState } from './RoomState';
import type { UnreadCounts } from './UnreadCounts';
import type { DeviceSearch } from './DeviceSearch';
import type { HistoryFiles } from './HistoryFiles';
import type { JoinedRooms } from './JoinedRooms';
import type { RoomOpening } from './RoomOpening';
import { appParts } from './appParts';
import { DEFAULT_MAX_LIVE_ROOMS, type ChatApplicationOptions } from './ChatApplicationOptions';

/** The application state of this tab: its parts, start, first paint and stop. */
export class AppLifecycle {
  readonly userId: string;
  readonly persistentIdentity: boolean;
  protected readonly options: ChatApplicationOptions;
  private readonly now: () => number;
  protected readonly isHidden: () => boolean;
  private readonly listeners = new Set<() => void>();
  protected readonly live: LiveRooms;
  protected readonly unread: UnreadCounts;
  protected readonly direct: DirectRooms;
  protected readonly joined: JoinedRooms;
  protected readonly opening: RoomOpening;
  protected readonly search: DeviceSearch;
  protected readonly files: HistoryFiles;
  private announcement: DhAnnouncement | undefined;
  private stopRouter: (() => void) | undefined;
  private started = false;
  private destroyed = false;

  constructor(options: ChatApplicationOptions) {
    this.options = options;
    this.userId = options.signer.userId;
    this.persistentIdentity = options.persistentIdentity ?? true;
    this.now = options.now ?? Date.now;
    this.isHidden = options.isHidden ?? (() => false);
    options.history?.onWarning(() => this.changed());
    const parts = appParts(options, {
      userId: this.userId,
      now: this.now,
      isHidden: this.isHidden,
      displayName: () => this.displayName,
      announcement: () => this.announcement,
      destroyed: () => this.destroyed,
      changed: () => this.changed(),
    });
    this.joined = parts.joined;
    this.direct = parts.direct;
    this.files = parts.files;
    this.search = parts.search;
    this.live = parts.live;
    this.unread = parts.unread;
    this.opening = parts.opening;
  }

  get displayName(): string | undefined {
    return this.options.settings.displayName;
  }

  /** The room on screen, if any. */
  get current(): RoomState | undefined {
    const roomId = this.opening.onScreen;
    return roomId === undefined ? undefined : this.live.get(roomId)?.state;
  }

  get currentRecord(): RoomRecord | undefined {
    return this.joined.find(this.opening.onScreen);
  }

  protected get maxLive(): number {
    return this.options.maxLiveRooms ?? DEFAULT_MAX_LIVE_ROOMS;
  }

  get names(): NameBook {
    return this.options.names;
  }

  /** Loads the joined rooms, opens them, and shows the route in the address bar. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.joined.load();
    const route = this.options.router.current();
    // The room the user came for first: it is the first to paint and to load.
    const first = route.kind === 'room' && this.joined.find(route.roomId);
    if (this.displayName && first) this.live.ensure(first, true);
    if (this.displayName) for (const record of this.liveCandidates()) this.live.ensure(record);
    this.stopRouter = this.options.router.onChange((route) => void this.opening.apply(route));
    await this.opening.apply(route);
    this.changed();
    const shown = first && this.displayName ? this.live.get(first.roomId)?.state : undefined;
    const onScreen = shown ? shown.onScreen() : nextPaint();
    onScreen.then(this.markPainted, this.markPainted);
    // Signed and published in every open room only once the first page is on screen.
    void this.firstPaint.then(() => this.announce());
  }

  /**
   * Settles once the page start() showed is painted: the room on screen with its newest
   * stored page, else the room list or the name screen. What the first paint does not need
   * (the service worker, the key of direct messages) waits for it.
   */
  painted(): Promise<void> {
    return this.firstPaint;
  }

  private markPainted: () => void = () => undefined;
  private readonly firstPaint = new Promise<void>((resolve) => (this.markPainted = resolve));

  /** Signs this device's key of direct messages and publishes it in every open room. */
  private async announce(): Promise<void> {
    try {
      const announcement = await announceDh(await this.options.dh, this.options.signer);
      if (this.destroyed) return;
      this.announcement = announcement;
      for (const state of this.live.states()) state.publish(DH_FIELD, announcement);
    } catch (error) {
      console.error('MeshChat could not announce its key for direct messages', error);
    }
  }

  /** Why this device cannot keep history right now, if it cannot. */
  get storageWarning(): string | undefined {
    return this.options.history?.warning();
  }

  /** Calls `listener` after every change of state; returns an unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sets (or changes) the display name; rejects with RangeError for an empty one. */
  async setDisplayName(input: string): Promise<void> {
    const first = this.displayName === undefined;
    const name = this.options.settings.setDisplayName(input);
    this.names.learn(this.userId, name);
    for (const state of this.live.states()) state.rename(name);
    if (first) for (const record of this.liveCandidates()) this.live.ensure(record);
    await this.opening.openPending();
    this.changed();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.stopRouter?.();
    this.live.dropAll();
    this.search.destroy();
    this.listeners.clear();
  }

  private liveCandidates(): RoomRecord[] {
    return this.joined.all.slice(-this.maxLive);
  }

  protected changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
