/**
 * Linux process accounting for benchmarks: CPU time and resident memory of any process by pid
 * (from /proc), and the open-files limit that decides how many sockets a run can hold.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times; 100 on every common Linux build. */
const CLOCK_TICKS = ((): number => {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
})();

/** User plus system CPU time of a process and its waited-for children, in microseconds. */
export function processCpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces and parentheses: split after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, stime field 15.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1e6) / CLOCK_TICKS;
}

/** Resident set size of a process in MiB (VmRSS from /proc/<pid>/status). */
export function processRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (match === null) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) / 1024;
}

/** The soft and hard limits on open files of this process. */
export function openFilesLimit(): { soft: number; hard: number } {
  const limits = readFileSync('/proc/self/limits', 'utf8');
  const match = /^Max open files\s+(\S+)\s+(\S+)/m.exec(limits);
  const parse = (value: string | undefined): number =>
    value === undefined || value === 'unlimited' ? Number.POSITIVE_INFINITY : Number(value);
  return { soft: parse(match?.[1]), hard: parse(match?.[2]) };
}

/** A CPU meter over an interval for a process by pid (null pid = measures nothing). */
export class CpuMeter {
  readonly #pid: number | null;
  readonly #startedAt = performance.now();
  readonly #startCpu: number;
  readonly #startSelf = process.cpuUsage();

  constructor(pid: number | null) {
    this.#pid = pid;
    this.#startCpu = pid === null ? 0 : processCpuMicros(pid);
  }

  /** Elapsed wall time, the process's CPU time and this process's own CPU time, all in µs. */
  read(): { wallMicros: number; cpuMicros: number | null; selfMicros: number } {
    const self = process.cpuUsage(this.#startSelf);
    return {
      wallMicros: (performance.now() - this.#startedAt) * 1000,
      cpuMicros: this.#pid === null ? null : processCpuMicros(this.#pid) - this.#startCpu,
      selfMicros: self.user + self.system,
    };
  }
}
