/**
 * The signaling servers one load run drives: a single process (ours, the stock one, or a URL),
 * or several of ours sharing rooms through a real redis-server that is started here and
 * stopped with them. stop() ends everything that was started, on every exit path.
 */
import { RedisProcess } from '../testkit/server/redisProcess';
import { startBenchServer, type BenchServer } from './BenchServer';

/** Servers that serve the same rooms, and what to measure of them. */
export interface ServerGroup {
  /** One signaling URL per process. */
  readonly urls: readonly string[];
  /** The processes to measure (null when unknown: a URL given from outside). */
  readonly pids: readonly (number | null)[];
  /** What was started, for the report. */
  readonly command: string;
  /** The redis-server's process, when the group shares one. */
  readonly redisPid: number | null;
  /** Stops every process started for the group. Idempotent. */
  stop(): Promise<void>;
}

/** One server as a group of one. */
export async function startSingle(
  which: string,
  env: Readonly<Record<string, string>>,
  pid: number | null,
): Promise<ServerGroup> {
  const server = await startBenchServer(which, env, pid);
  return {
    urls: [server.url],
    pids: [server.pid],
    command: server.command,
    redisPid: null,
    stop: () => server.stop(),
  };
}

/**
 * A redis-server on loopback and `processes` of our servers with REDIS_URL pointing at it.
 * redis-server is killed on this process's exit too (a benchmark interrupted by Ctrl-C ends
 * with process.exit, which tracked Node children follow but Redis would not).
 */
export async function startRedisGroup(
  processes: number,
  env: Readonly<Record<string, string>>,
): Promise<ServerGroup> {
  const redis = await RedisProcess.start();
  const redisPid = redis.pid;
  const killRedis = (): void => {
    try {
      if (redisPid !== null) process.kill(redisPid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  };
  process.on('exit', killRedis);
  const servers: BenchServer[] = [];
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await Promise.all(servers.map((server) => server.stop()));
      await redis.stop();
      process.off('exit', killRedis);
    })());
  try {
    for (let i = 0; i < processes; i += 1) {
      servers.push(await startBenchServer('ours', { ...env, REDIS_URL: redis.url }));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    urls: servers.map((server) => server.url),
    pids: servers.map((server) => server.pid),
    command: `${processes} x ${servers[0]?.command ?? 'ours'} with REDIS_URL (redis-server 127.0.0.1)`,
    redisPid,
    stop,
  };
}
