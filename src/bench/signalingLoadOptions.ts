// What a signaling load test takes and what it measures (src/bench/signaling-load.ts).

/** Options of {@link runSignalingLoad}. */
export interface SignalingLoadOptions {
  /** 'ours', 'stock', 'bare' (src/bench/bareRelay.ts), or the ws(s) URL of a running server. */
  readonly server: string;
  readonly clients: number;
  readonly rooms: number;
  /** Publishes per client per second. */
  readonly ratePerClient: number;
  /** Seconds of publishing (default 10). */
  readonly durationSec?: number;
  /** Padding bytes per publish, to look like SDP and ICE payloads (default 100). */
  readonly payloadBytes?: number;
  /** Pid to measure when `server` is a URL. */
  readonly pid?: number;
  /**
   * Server processes sharing the rooms through Redis (default 1: no Redis). Only with 'ours';
   * needs clients >= processes x rooms, so that every room has members on every process.
   */
  readonly processes?: number;
  /** Called with the measured server's pid once it accepts connections (for tests). */
  readonly onServerStarted?: (pid: number | null) => void;
  /** Called with every process started (servers, then redis-server) once they run (tests). */
  readonly onStarted?: (pids: readonly (number | null)[]) => void;
}

/** What a run measured; server figures are null when no pid was known. */
export interface SignalingLoadResult {
  readonly server: string;
  readonly serverCommand: string;
  readonly clients: number;
  readonly rooms: number;
  readonly ratePerClient: number;
  readonly durationSec: number;
  readonly published: number;
  readonly expected: number;
  readonly delivered: number;
  readonly deliveredPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Signaling processes (sharing Redis when more than one); the server figures sum them. */
  readonly processes: number;
  readonly serverRssMb: number | null;
  readonly serverCpuPercent: number | null;
  readonly serverCpuUsPerDelivered: number | null;
  /** The part of serverCpuUsPerDelivered spent in the kernel (system time: socket I/O). */
  readonly serverSystemCpuUsPerDelivered: number | null;
  /**
   * The server's write-type and read-type system calls per delivered message (from
   * /proc/<pid>/io; null when unreadable). One write per delivery is the floor for a server
   * that sends each frame when it is made; fewer means frames shared a write.
   */
  readonly serverWritesPerDelivered: number | null;
  readonly serverReadsPerDelivered: number | null;
  /** The redis-server's CPU per delivered message and RSS (null without Redis). */
  readonly redisCpuUsPerDelivered: number | null;
  readonly redisRssMb: number | null;
  readonly loadgenCpuPercent: number;
}
