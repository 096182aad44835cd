// What the room scale benchmark (roomScaleBench.ts) is asked and what it reports.

export interface RoomScaleFigure {
  readonly nodePeers: number;
  /** Processes the Node peers were hosted in (each peer keeps its own modules and links). */
  readonly nodeProcesses: number;
  readonly browserPeers: number;
  readonly messages: number;
  /** From the last send until the last peer had every message; null when some never did. */
  readonly allDeliveredMs: number | null;
  /**
   * From the moment every peer was told to send until the last peer had every message; null
   * when some never did. Larger than allDeliveredMs by sendLagMs.
   */
  readonly allDeliveredFromCommandMs: number | null;
  /** How long after being told the last peer carried out its sends (a busy peer sends late). */
  readonly sendLagMs: number;
  /** Peers without every message when the wait ended (peers that never started included). */
  readonly incomplete: number;
  /** Node peers whose process did not come up within the start phase. */
  readonly notStarted: number;
  /** Connections every peer was waited for before sending: min(peers - 1, 10). */
  readonly wantedConnections: number;
  /** Peers with fewer than `wantedConnections` open connections when the sending began. */
  readonly underConnected: number;
  /** Mean open connections per peer at the end. */
  readonly connectionsPerPeer: number;
  /**
   * Bytes a peer received from the first send to the end of the wait, per message, over the
   * peers still reporting at the end (null when none was).
   */
  readonly bytesPerMessagePerPeer: number | null;
  /**
   * Awareness updates a Node peer saw from the first send to the end of the wait, per message
   * (y-webrtc forwards each one over every connection the peer has), over the Node peers
   * still reporting at the end (null when none was).
   */
  readonly awarenessUpdatesPerMessagePerPeer: number | null;
  /** Wall time of each phase. */
  readonly phaseMs: {
    readonly start: number;
    readonly connect: number;
    readonly deliver: number;
    readonly stop: number;
  };
  /** Share of the machine's CPU time that was busy in the connect and the deliver phase. */
  readonly cpuBusy: { readonly connect: number; readonly deliver: number };
  /**
   * The longest any Node peer went without reporting (it reports every 500 ms when its event
   * loop is free) within the connect and within the deliver phase.
   */
  readonly silenceMaxMs: { readonly connect: number; readonly deliver: number };
  /** Node peers with no report in the last 2 s of the wait: too busy to run a timer. */
  readonly silentAtEnd: number;
  /**
   * CPU time (user + system, all threads) the Node peer processes used in the deliver phase,
   * per message per Node peer (us): what the machine's load does not change, unlike the
   * times, so runs on a busy machine compare by it. Null when it could not be read.
   */
  readonly nodeCpuPerMessageUs: number | null;
  /** With `idleProbeMs`: the Node peers' CPU per peer while the room is idle (millicores). */
  readonly nodeIdleMillicores: number | null;
}

/**
 * How long each phase may take at most; what is not done by then is reported, not waited for.
 * The defaults bound a size to 70 s + 1.5 s per Node peer (85 s at 10, 145 s at 50), plus
 * stopping (at most 3 s for the processes, then the browser contexts).
 */
export interface RoomScaleLimits {
  /** Starting the processes (loaded, not in the room yet): 10 s + this per peer. */
  readonly startMsPerPeer: number;
  /** Between two Node peers joining the room. */
  readonly joinEveryMs: number;
  /** From the last join until every peer has its connections. */
  readonly connectMs: number;
  /** From the first send until every peer has every message. */
  readonly deliverMs: number;
}

export const DEFAULT_LIMITS: RoomScaleLimits = {
  startMsPerPeer: 1000,
  joinEveryMs: 500,
  connectMs: 30_000,
  deliverMs: 30_000,
};

/**
 * Node peers per process by default. Each process carries a V8 heap, an event loop and wrtc's
 * native threads whatever it hosts: 25 peers idle in the room took 30 millicores each in 25
 * processes (a third of them wrtc's audio device thread, one per process).
 */
export const DEFAULT_PEERS_PER_PROCESS = 5;

export interface RoomScaleOptions {
  readonly limits?: Partial<RoomScaleLimits>;
  /** Node peers hosted by one process (default DEFAULT_PEERS_PER_PROCESS). */
  readonly peersPerProcess?: number;
  /** Node peer processes starting at once (default: twice the cores). */
  readonly startConcurrency?: number;
  /** Progress lines. */
  readonly log?: (line: string) => void;
  /** Wait this long after connecting, measuring the idle room's CPU, before sending (0). */
  readonly idleProbeMs?: number;
}
