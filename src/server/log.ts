/**
 * Structured logging: one JSON object per line on stdout, so any log shipper can parse it
 * without configuration. Lines are capped per second because every line a client can cause
 * (a protocol violation, a refused upgrade) is otherwise a way to fill the operator's disk.
 */

/** Severity levels, least severe first. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Extra fields of a log line; values must be JSON-serializable. */
export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** What the server components log through; tests pass a recording fake. */
export interface Logger {
  log(level: LogLevel, msg: string, fields?: LogFields): void;
}

/** Options of {@link JsonLogger}. */
export interface JsonLoggerOptions {
  readonly level: LogLevel;
  /** Lines allowed per second before further ones are counted and dropped. */
  readonly maxLinesPerSecond?: number;
  /** Defaults to writing to process.stdout. */
  readonly write?: (line: string) => void;
  readonly now?: () => number;
}

/** Writes JSON lines such as `{"time":"…","level":"info","msg":"listening","port":8080}`. */
export class JsonLogger implements Logger {
  readonly #minLevel: number;
  readonly #maxPerSecond: number;
  readonly #write: (line: string) => void;
  readonly #now: () => number;
  #windowStart = 0;
  #linesInWindow = 0;
  #suppressed = 0;

  constructor(options: JsonLoggerOptions) {
    this.#minLevel = LOG_LEVELS.indexOf(options.level);
    this.#maxPerSecond = options.maxLinesPerSecond ?? 100;
    this.#write = options.write ?? ((line) => process.stdout.write(line));
    this.#now = options.now ?? Date.now;
  }

  log(level: LogLevel, msg: string, fields: LogFields = {}): void {
    if (LOG_LEVELS.indexOf(level) < this.#minLevel) return;
    const now = this.#now();
    if (now - this.#windowStart >= 1000) {
      this.#windowStart = now;
      this.#linesInWindow = 0;
      if (this.#suppressed > 0) {
        const count = this.#suppressed;
        this.#suppressed = 0;
        this.#emit(now, 'warn', 'log lines suppressed', { count });
      }
    }
    if (this.#linesInWindow >= this.#maxPerSecond) {
      this.#suppressed += 1;
      return;
    }
    this.#emit(now, level, msg, fields);
  }

  #emit(now: number, level: LogLevel, msg: string, fields: LogFields): void {
    this.#linesInWindow += 1;
    const line: Record<string, unknown> = { time: new Date(now).toISOString(), level, msg };
    // A field never overwrites time/level/msg: those are what log shippers index on.
    for (const [key, value] of Object.entries(fields)) {
      if (!(key in line) && value !== undefined) line[key] = value;
    }
    this.#write(`${JSON.stringify(line)}\n`);
  }
}

/** A logger that keeps lines in memory, for tests. */
export class MemoryLogger implements Logger {
  readonly lines: { level: LogLevel; msg: string; fields: LogFields }[] = [];

  log(level: LogLevel, msg: string, fields: LogFields = {}): void {
    this.lines.push({ level, msg, fields });
  }
}
