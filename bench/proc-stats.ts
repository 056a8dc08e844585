import { readFile } from 'node:fs/promises';

// Linux reports utime and stime in clock ticks; USER_HZ is 100 on every mainstream kernel
// (`getconf CLK_TCK`), so one tick is 10 ms.
const MS_PER_TICK = 10;

/** CPU time (user + system) a process has used so far, in milliseconds, from /proc/PID/stat. */
export async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses; fields are counted after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 (utime) and 15 (stime) of proc(5), i.e. indexes 11 and 12 after the name.
  return (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK;
}

export interface MemoryStats {
  /** Resident set size now, in bytes. */
  rssBytes: number;
  /** Peak resident set size since the process started ("high water mark"), in bytes. */
  peakRssBytes: number;
}

/** VmRSS and VmHWM from /proc/PID/status. */
export async function memory(pid: number): Promise<MemoryStats> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return { rssBytes: kilobytes(status, 'VmRSS') * 1024, peakRssBytes: kilobytes(status, 'VmHWM') * 1024 };
}

function kilobytes(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  if (!match) throw new Error(`/proc status has no ${field} line`);
  return Number(match[1]);
}

/** CPU time all CPUs together have spent busy (not idle or waiting on I/O), in ms, from /proc/stat. */
export async function machineBusyMs(): Promise<number> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n', 1)[0]!;
  // cpu user nice system idle iowait irq softirq steal ...
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) * MS_PER_TICK;
}
