// CPU time per request, from the kernel's accounting (/proc/<pid>/stat utime + stime): what a
// server and PostgreSQL spend on a cell's requests. Unlike throughput, it hardly moves when the
// shared machine is busy (time another process or the hypervisor takes is not counted), so it
// is the figure to compare steps by. The load generator runs in this process and is not counted.
import fs from 'node:fs';

/** Clock ticks per second of /proc's counters (USER_HZ: 100 on Linux). */
const TICKS_PER_S = 100;

/** User plus system CPU seconds of one process so far; 0 if it is gone. */
function processCpuSeconds(pid: number | string): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is the 3rd field, utime the 14th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
  } catch {
    return 0;
  }
}

/** CPU seconds of each PostgreSQL process (postmaster, backends, background workers) so far, by pid. */
function postgresCpuByPid(): Map<string, number> {
  const byPid = new Map<string, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') byPid.set(entry, processCpuSeconds(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return byPid;
}

export interface CpuReading {
  server: number;
  postgres: ReadonlyMap<string, number>;
}

/** The CPU seconds of the server `pid` and of each PostgreSQL process, now. */
export const cpuNow = (pid: number): CpuReading => ({ server: processCpuSeconds(pid), postgres: postgresCpuByPid() });

/** CPU seconds spent between two readings, PostgreSQL's summed over its processes. */
export function cpuBetween(before: CpuReading, after: CpuReading): CpuSpent {
  // Per process: a backend that started since counts from zero; one that ended since is not in
  // `after`, and its last moments are lost (a pool closing an idle connection), so this can
  // undercount slightly but never goes negative.
  let postgres = 0;
  for (const [pid, seconds] of after.postgres) postgres += Math.max(0, seconds - (before.postgres.get(pid) ?? 0));
  return { server: after.server - before.server, postgres };
}

export interface CpuSpent {
  server: number;
  postgres: number;
}

/** The machine's CPU counters so far (/proc/stat's first line), in seconds: all time, and time a hypervisor took ("steal"). */
export function machineCpuSeconds(): { total: number; steal: number } {
  const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  return { total: fields.reduce((sum, value) => sum + value, 0) / TICKS_PER_S, steal: (fields[7] ?? 0) / TICKS_PER_S };
}

/** The percentage of the machine's CPU time its hypervisor gave to others since `before`. */
export function stealPercentSince(before: ReturnType<typeof machineCpuSeconds>): number {
  const now = machineCpuSeconds();
  return Number(((100 * (now.steal - before.steal)) / Math.max(1e-9, now.total - before.total)).toFixed(1));
}
