/**
 * Linux process accounting for benchmarks: CPU time and resident memory of any process by pid
 * and how busy the whole machine is (from /proc), and the open-files limit that decides how
 * many sockets a run can hold.
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

/** User and system (kernel) CPU time of a process, in microseconds. */
export function processCpuSplitMicros(pid: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces and parentheses: split after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, stime field 15.
  return {
    user: (Number(fields[11]) * 1e6) / CLOCK_TICKS,
    system: (Number(fields[12]) * 1e6) / CLOCK_TICKS,
  };
}

/** User plus system CPU time of a process, in microseconds. */
export function processCpuMicros(pid: number): number {
  const { user, system } = processCpuSplitMicros(pid);
  return user + system;
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

/**
 * Read-type and write-type system calls a process has made (syscr and syscw of
 * /proc/<pid>/io: read, readv, recvmsg... and write, writev, sendmsg...), or null when the
 * kernel does not expose them (no task I/O accounting) or the process is not readable.
 */
export function processSyscalls(pid: number): { reads: number; writes: number } | null {
  try {
    const io = readFileSync(`/proc/${pid}/io`, 'utf8');
    const reads = /^syscr:\s+(\d+)/m.exec(io);
    const writes = /^syscw:\s+(\d+)/m.exec(io);
    if (reads === null || writes === null) return null;
    return { reads: Number(reads[1]), writes: Number(writes[1]) };
  } catch {
    return null;
  }
}

/** A CPU meter over an interval for a process by pid (null pid = measures nothing). */
export class CpuMeter {
  readonly #pid: number | null;
  readonly #startedAt = performance.now();
  readonly #startCpu: { user: number; system: number };
  readonly #startSelf = process.cpuUsage();
  readonly #startSyscalls: { reads: number; writes: number } | null;

  constructor(pid: number | null) {
    this.#pid = pid;
    this.#startCpu = pid === null ? { user: 0, system: 0 } : processCpuSplitMicros(pid);
    this.#startSyscalls = pid === null ? null : processSyscalls(pid);
  }

  /**
   * Elapsed wall time, the process's CPU time (and the part of it spent in the kernel) and
   * this process's own CPU time, all in µs; and the process's read and write system calls
   * over the interval (null when unknown).
   */
  read(): {
    wallMicros: number;
    cpuMicros: number | null;
    systemMicros: number | null;
    selfMicros: number;
    syscalls: { reads: number; writes: number } | null;
  } {
    const self = process.cpuUsage(this.#startSelf);
    const cpu = this.#pid === null ? null : processCpuSplitMicros(this.#pid);
    const system = cpu === null ? null : cpu.system - this.#startCpu.system;
    const start = this.#startSyscalls;
    const end = start === null || this.#pid === null ? null : processSyscalls(this.#pid);
    return {
      wallMicros: (performance.now() - this.#startedAt) * 1000,
      cpuMicros: cpu === null || system === null ? null : cpu.user - this.#startCpu.user + system,
      systemMicros: system,
      selfMicros: self.user + self.system,
      syscalls:
        start === null || end === null
          ? null
          : { reads: end.reads - start.reads, writes: end.writes - start.writes },
    };
  }
}

/** Busy and total CPU time of the whole machine so far, in clock ticks (from /proc/stat). */
function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  // cpu user nice system idle iowait irq softirq steal ...: idle and iowait are not busy.
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  return { busy: total - (ticks[3] ?? 0) - (ticks[4] ?? 0), total };
}

/** How busy the machine's CPUs were between laps (0..1), whoever kept them busy. */
export class CpuBusyMeter {
  #last = machineTicks();

  /** The busy share since the previous lap (or since construction), rounded to 0.01. */
  lap(): number {
    const now = machineTicks();
    const total = now.total - this.#last.total;
    const share = total > 0 ? (now.busy - this.#last.busy) / total : 0;
    this.#last = now;
    return Math.round(share * 100) / 100;
  }
}
