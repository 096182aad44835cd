import { MemoryBus } from './MemoryBus';
import { sessionKey, type PresenceChange, type PresencePort, type SessionKey } from './ports';

/** What an in-memory presence replica tells the others: its full set of local sessions. */
interface PresenceState {
  readonly from: object;
  readonly sessions: readonly SessionKey[];
}

/**
 * An in-memory PresencePort: the fake for unit tests. Replicas on one bus see each other's
 * sessions (asynchronously); `vanish()` drops a replica without a goodbye, and the others
 * report its sessions removed, as a timeout would.
 */
export class MemoryPresence implements PresencePort {
  private readonly local = new Map<string, SessionKey>();
  private readonly remote = new Map<object, Map<string, SessionKey>>();
  private readonly observers = new Set<(change: PresenceChange) => void>();
  private destroyed = false;

  constructor(private readonly bus?: MemoryBus<PresenceState>) {
    bus?.join(this, (state) => this.receive(state));
  }

  /** Makes `count` replicas that see each other. */
  static connected(count: number): MemoryPresence[] {
    const bus = new MemoryBus<PresenceState>();
    return Array.from({ length: count }, () => new MemoryPresence(bus));
  }

  /** Makes another replica on this one's bus (a new tab in the same room). */
  peer(): MemoryPresence {
    return new MemoryPresence(this.bus);
  }

  sessions(): readonly SessionKey[] {
    const all = new Map(this.local);
    for (const sessions of this.remote.values()) for (const [k, s] of sessions) all.set(k, s);
    return [...all.values()];
  }

  enter(session: SessionKey): void {
    if (this.destroyed) throw new Error('enter: presence is destroyed');
    const key = sessionKey(session);
    if (this.local.has(key)) return;
    const copy = { userId: session.userId, sessionId: session.sessionId };
    this.local.set(key, copy);
    this.publish();
    this.tell({ added: [copy], removed: [] });
  }

  exit(session: SessionKey): void {
    const key = sessionKey(session);
    const known = this.local.get(key);
    if (!known) return;
    this.local.delete(key);
    this.publish();
    this.tell({ added: [], removed: [known] });
  }

  observe(observer: (change: PresenceChange) => void): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  destroy(): void {
    if (this.destroyed) return;
    for (const session of [...this.local.values()]) this.exit(session);
    this.destroyed = true;
    this.bus?.leave(this);
    this.observers.clear();
  }

  /** Drops this replica from the bus with no goodbye; the others see it time out. */
  vanish(): void {
    if (!this.bus?.has(this)) return;
    this.bus.send(this, { from: this, sessions: [] });
    this.bus.leave(this);
  }

  private publish(): void {
    this.bus?.send(this, { from: this, sessions: [...this.local.values()] });
  }

  private receive(state: PresenceState): void {
    if (this.destroyed) return;
    const before = this.remote.get(state.from) ?? new Map<string, SessionKey>();
    const after = new Map(state.sessions.map((s) => [sessionKey(s), s] as const));
    if (after.size === 0) this.remote.delete(state.from);
    else this.remote.set(state.from, after);
    const added = [...after]
      .filter(([k]) => !before.has(k) && !this.local.has(k))
      .map(([, s]) => s);
    const removed = [...before]
      .filter(([k]) => !after.has(k) && !this.local.has(k))
      .map(([, s]) => s);
    if (added.length > 0 || removed.length > 0) this.tell({ added, removed });
  }

  private tell(change: PresenceChange): void {
    for (const observer of [...this.observers]) observer(change);
  }
}
