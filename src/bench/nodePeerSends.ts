// What a Node peer process costs in native WebRTC calls (MESHCHAT_PEER_SENDS=1): its data
// channels' sends counted by what they carry, and the time spent in each native member of the
// data channels and peer connections (wrtc runs most of them on its network or signaling
// thread and waits for it). Counting starts at `reset()` (the deliver phase); `summary()`
// gives two lines for the log.

type Method = (this: unknown, ...args: unknown[]) => unknown;
interface Accessor {
  readonly get?: Method;
}
interface Tally {
  count: number;
  amount: number;
}

/** The mesh frame types, in their wire order (src/mesh/wire.ts). */
const MESH_TYPES = ['update', 'ihave', 'sv', 'diff', 'prune', 'graft', 'ping', 'pong'];

/** What a frame handed to RTCDataChannel.send carries (src/net/frames.ts, RoomNetwork tags). */
function kindOf(data: unknown): { kind: string; bytes: number } {
  if (!ArrayBuffer.isView(data)) return { kind: 'other', bytes: 0 };
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const [flag, tag, type] = bytes;
  let kind = `flag ${String(flag)}`;
  if (flag === 3) {
    // A whole side message: its tag, then (for the mesh) the mesh frame's type.
    kind =
      tag === 1
        ? `mesh ${MESH_TYPES[type ?? -1] ?? String(type)}`
        : tag === 3
          ? 'presence signals'
          : `side ${String(tag)}`;
  } else if (flag === 0) {
    // A whole y-webrtc message: sync (with its step) or awareness.
    kind = tag === 0 ? `sync ${String(type)}` : tag === 1 ? 'awareness' : `y-webrtc ${String(tag)}`;
  }
  return { kind, bytes: bytes.byteLength };
}

export class NativeCalls {
  private readonly sends = new Map<string, Tally>();
  private readonly time = new Map<string, Tally>();
  private readonly gaps = new Map<string, Tally>();
  private readonly bySize = new Map<string, Tally>();

  /** Instruments wrtc's prototypes (before any connection is made). */
  constructor(wrtc: Record<string, unknown>) {
    const channel = (wrtc.RTCDataChannel as { prototype: Record<string, unknown> }).prototype;
    const connection = (wrtc.RTCPeerConnection as { prototype: Record<string, unknown> }).prototype;
    const send = channel.send as Method;
    const sends = this.sends;
    const gaps = this.gaps;
    const bySize = this.bySize;
    const lastAt = new WeakMap<object, number>();
    channel.send = function (this: unknown, data: unknown): unknown {
      const { kind, bytes } = kindOf(data);
      add(sends, kind, bytes);
      const now = performance.now();
      const gap = now - (lastAt.get(this as object) ?? -Infinity);
      lastAt.set(this as object, now);
      add(
        gaps,
        gap < 1 ? '<1ms' : gap < 5 ? '<5ms' : gap < 25 ? '<25ms' : gap < 100 ? '<100ms' : '>=100ms',
        0,
      );
      const start = performance.now();
      try {
        return send.call(this, data);
      } finally {
        add(bySize, sizeClass(bytes), performance.now() - start);
      }
    };
    this.timeMembers(channel, 'channel');
    this.timeMembers(connection, 'connection');
    // The channel's state and buffer are fixed native accessors: timed on each instance.
    const timeAccessors = (instance: object): void => {
      for (const key of ['readyState', 'bufferedAmount']) {
        const { get } = (Object.getOwnPropertyDescriptor(channel, key) ?? {}) as Accessor;
        if (get) Object.defineProperty(instance, key, { get: this.timed(`channel.${key}`, get) });
      }
    };
    const create = connection.createDataChannel as Method;
    connection.createDataChannel = function (this: unknown, ...args: unknown[]): unknown {
      const made = create.apply(this, args) as object;
      timeAccessors(made);
      return made;
    };
    const dispatch = connection.dispatchEvent as Method;
    connection.dispatchEvent = function (this: unknown, event: unknown): unknown {
      const { type, channel: received } = event as { type?: string; channel?: object };
      if (type === 'datachannel' && received) timeAccessors(received);
      return dispatch.call(this, event);
    };
  }

  private cpuAt = process.cpuUsage();
  private wallAt = performance.now();

  reset(): void {
    this.cpuAt = process.cpuUsage();
    this.wallAt = performance.now();
    this.sends.clear();
    this.time.clear();
    this.gaps.clear();
    this.bySize.clear();
  }

  summary(label: string): string {
    const rows = (map: Map<string, Tally>, unit: string): string =>
      [...map]
        .sort((a, b) => b[1].amount - a[1].amount)
        .map(([key, t]) => `${key} ${t.count}/${Math.round(t.amount)}${unit}`)
        .join(', ');
    const cpu = process.cpuUsage(this.cpuAt);
    const wall = performance.now() - this.wallAt;
    const ms = (us: number): number => Math.round(us / 1000);
    return `[${label}] CPU (all threads) ${ms(cpu.user)} ms user + ${ms(cpu.system)} ms system in ${Math.round(wall)} ms\n[${label}] sends (count/bytes): ${rows(this.sends, ' B')}\n[${label}] gap since the channel's last send: ${rows(this.gaps, '')}\n[${label}] send time by size (calls/time): ${rows(this.bySize, ' ms')}\n[${label}] native (calls/time): ${rows(this.time, ' ms')}`;
  }

  private timed(name: string, f: Method): Method {
    const time = this.time;
    return function (this: unknown, ...args: unknown[]): unknown {
      const start = performance.now();
      try {
        return f.apply(this, args);
      } finally {
        add(time, name, performance.now() - start);
      }
    };
  }

  private timeMembers(proto: Record<string, unknown>, label: string): void {
    for (const [key, d] of Object.entries(Object.getOwnPropertyDescriptors(proto))) {
      if (key === 'constructor' || (!d.configurable && !d.writable)) continue;
      const { get } = d as Accessor;
      if (get) {
        Object.defineProperty(proto, key, { ...d, get: this.timed(`${label}.${key}`, get) });
      } else if (typeof d.value === 'function' && d.writable) {
        proto[key] = this.timed(`${label}.${key}()`, d.value as Method);
      }
    }
  }
}

/** A send's size class, for whether a native send costs by the call or by the byte. */
function sizeClass(bytes: number): string {
  const kb = bytes / 1024;
  return kb < 1 ? '<1 KB' : kb < 4 ? '<4 KB' : kb < 16 ? '<16 KB' : kb < 64 ? '<64 KB' : '>=64 KB';
}

function add(map: Map<string, Tally>, key: string, amount: number): void {
  const tally = map.get(key) ?? { count: 0, amount: 0 };
  tally.count += 1;
  tally.amount += amount;
  map.set(key, tally);
}
