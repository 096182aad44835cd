import { execFileSync } from 'node:child_process';
import { cpus, totalmem, platform, release } from 'node:os';

/** The machine a benchmark ran on, written beside every figure. */
export interface MachineInfo {
  readonly date: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly chromium: string;
}

function chromiumVersion(): string {
  const path = process.env.CHROME_PATH ?? '/usr/bin/chromium';
  try {
    return execFileSync(path, ['--version'], {
      encoding: 'utf8',
      timeout: 10_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'not found';
  }
}

/** Reads the machine's facts now. */
export function machineInfo(): MachineInfo {
  return {
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${platform()} ${release()}`,
    node: process.version,
    chromium: chromiumVersion(),
  };
}
