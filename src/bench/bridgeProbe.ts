/**
 * Probes for a load run over several signaling processes sharing Redis: the run starts only
 * once every room's messages cross between the processes.
 */
/** Marks a probe message; its token follows. */
const PROBE_PATTERN = /"probe":"([^"]+)"/;

/** A load client as the probes use it. */
interface ProbeClient {
  readonly socket: { send(text: string): void };
  readonly topic: string;
}

/** The token of a probe message (its text), or undefined for any other message. */
export function probeToken(text: string): string | undefined {
  return PROBE_PATTERN.exec(text)?.[1];
}

/** How long the processes may take to bridge every room, and how often a probe is sent. */
const BRIDGE_MS = 30_000;
const PROBE_EVERY_MS = 250;

/**
 * Resolves once every room's messages cross between the processes: from one member on each
 * process, a probe reaches every member of the room (the sender's echo included). A process
 * subscribes to a room's Redis channel only after its client subscribed, so publishing at
 * once would lose messages that the figures would then count as undelivered.
 */
export async function bridgeRooms(
  clients: readonly ProbeClient[],
  rooms: number,
  processes: number,
  roomSize: readonly number[],
  probes: ReadonlyMap<string, number>,
): Promise<void> {
  const pending = new Map<string, { client: ProbeClient; room: number; token: string }>();
  for (let room = 0; room < rooms; room += 1) {
    for (let p = 0; p < processes; p += 1) {
      const client = clients[room + p * rooms] as ProbeClient;
      pending.set(`${room}/${p}`, { client, room, token: '' });
    }
  }
  const deadline = performance.now() + BRIDGE_MS;
  for (let attempt = 0; pending.size > 0; attempt += 1) {
    if (performance.now() > deadline) {
      throw new Error(
        `${pending.size} room/process pairs not bridged over Redis in ${BRIDGE_MS} ms`,
      );
    }
    for (const [key, probe] of pending) {
      if (probe.token !== '' && (probes.get(probe.token) ?? 0) >= (roomSize[probe.room] ?? 0)) {
        pending.delete(key);
        continue;
      }
      probe.token = `${key}/${attempt}`;
      const data = { probe: probe.token };
      probe.client.socket.send(
        JSON.stringify({ type: 'publish', topic: probe.client.topic, data }),
      );
    }
    if (pending.size > 0) await new Promise((wake) => setTimeout(wake, PROBE_EVERY_MS));
  }
}
