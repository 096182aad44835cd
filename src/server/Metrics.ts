/**
 * Counters for GET /metrics, rendered in the Prometheus text exposition format (version 0.0.4).
 * Every label value is declared up front so each series exists from the first scrape at 0:
 * rate() and alerts then work without waiting for the first incident.
 */

/** Why a frame, a message or a whole connection was dropped. */
export const DROP_REASONS = [
  'invalid_json',
  'invalid_message',
  'unknown_type',
  'frame_too_large',
  'too_many_topics',
  'topic_too_long',
  'not_subscribed',
  'rate_limited',
  'flooding',
  'slow_consumer',
  'heartbeat_timeout',
  'impersonation',
  'too_many_peer_ids',
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/** Why a WebSocket upgrade was refused before a connection existed. */
export const REJECT_REASONS = [
  'bad_path',
  'origin',
  'address_limit',
  'capacity',
  'shutting_down',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** The Redis link's health and counters, when rooms are shared over Redis (RedisBridge). */
export interface RedisMetricsSource {
  readonly state: 'ok' | 'down';
  readonly counters: {
    readonly published: number;
    readonly received: number;
    readonly skipped: number;
  };
}

/** Live values read at scrape time rather than tracked twice. */
export interface MetricsGauges {
  connections(): number;
  topics(): number;
  subscriptions(): number;
}

function zeroed<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
}

/** The server's counters; components increment the public fields directly (hot path). */
export class Metrics {
  connectionsAccepted = 0;
  framesIn = 0;
  framesOut = 0;
  bytesIn = 0;
  bytesOut = 0;
  httpRequests = 0;
  /** Connections whose outgoing queue is over MAX_BUFFERED_BYTES, in their grace period. */
  slowReaders = 0;
  readonly drops: Record<DropReason, number> = zeroed(DROP_REASONS);
  readonly rejectedUpgrades: Record<RejectReason, number> = zeroed(REJECT_REASONS);
  readonly #startedAt = Date.now();
  #gauges: MetricsGauges = { connections: () => 0, topics: () => 0, subscriptions: () => 0 };

  /** Set when REDIS_URL is: the Redis series are rendered only then. */
  redis: RedisMetricsSource | null = null;

  /** Connects the gauges to their owner (the signaling server) once it exists. */
  setGauges(gauges: MetricsGauges): void {
    this.#gauges = gauges;
  }

  drop(reason: DropReason): void {
    this.drops[reason] += 1;
  }

  /** The Prometheus text format body. */
  render(): string {
    const out: string[] = [];
    const metric = (
      name: string,
      type: 'gauge' | 'counter',
      help: string,
      samples: readonly (readonly [labels: string, value: number])[],
    ): void => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of samples) out.push(`${name}${labels} ${value}`);
    };
    const g = this.#gauges;
    metric('meshchat_signaling_connections', 'gauge', 'Open signaling WebSocket connections.', [
      ['', g.connections()],
    ]);
    metric('meshchat_signaling_topics', 'gauge', 'Topics (rooms) with at least one subscriber.', [
      ['', g.topics()],
    ]);
    metric('meshchat_signaling_subscriptions', 'gauge', 'Connection-topic subscriptions.', [
      ['', g.subscriptions()],
    ]);
    metric(
      'meshchat_signaling_slow_readers',
      'gauge',
      'Connections over MAX_BUFFERED_BYTES, within SLOW_READER_GRACE_MS.',
      [['', this.slowReaders]],
    );
    metric('meshchat_signaling_connections_total', 'counter', 'Accepted WebSocket connections.', [
      ['', this.connectionsAccepted],
    ]);
    metric('meshchat_signaling_frames_in_total', 'counter', 'WebSocket messages received.', [
      ['', this.framesIn],
    ]);
    metric('meshchat_signaling_frames_out_total', 'counter', 'WebSocket messages sent.', [
      ['', this.framesOut],
    ]);
    metric('meshchat_signaling_bytes_in_total', 'counter', 'Payload bytes received.', [
      ['', this.bytesIn],
    ]);
    metric('meshchat_signaling_bytes_out_total', 'counter', 'Payload bytes sent.', [
      ['', this.bytesOut],
    ]);
    metric(
      'meshchat_signaling_drops_total',
      'counter',
      'Messages or connections dropped, by reason.',
      DROP_REASONS.map((reason) => [`{reason="${reason}"}`, this.drops[reason]]),
    );
    metric(
      'meshchat_signaling_rejected_upgrades_total',
      'counter',
      'WebSocket upgrades refused, by reason.',
      REJECT_REASONS.map((reason) => [`{reason="${reason}"}`, this.rejectedUpgrades[reason]]),
    );
    metric('meshchat_http_requests_total', 'counter', 'Plain HTTP requests served.', [
      ['', this.httpRequests],
    ]);
    if (this.redis !== null) {
      const { state, counters } = this.redis;
      metric('meshchat_redis_up', 'gauge', 'Whether the Redis link is ready (1) or not (0).', [
        ['', state === 'ok' ? 1 : 0],
      ]);
      metric('meshchat_redis_published_total', 'counter', 'Publishes sent to Redis.', [
        ['', counters.published],
      ]);
      metric('meshchat_redis_received_total', 'counter', 'Publishes from other processes.', [
        ['', counters.received],
      ]);
      metric(
        'meshchat_redis_skipped_total',
        'counter',
        'Publishes relayed locally only, Redis being unreachable.',
        [['', counters.skipped]],
      );
    }
    const cpu = process.cpuUsage();
    metric('process_cpu_seconds_total', 'counter', 'User and system CPU time spent.', [
      ['', (cpu.user + cpu.system) / 1e6],
    ]);
    metric('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.', [
      ['', process.memoryUsage.rss()],
    ]);
    metric('process_start_time_seconds', 'gauge', 'Start time since the Unix epoch.', [
      ['', Math.floor(this.#startedAt / 1000)],
    ]);
    return `${out.join('\n')}\n`;
  }
}
