import { readFileSync } from "node:fs";

/** CPU counters of the machine and of some processes, in clock ticks (Linux /proc). */
export interface CpuTicks {
  readonly busy: number;
  readonly total: number;
  /** utime + stime of the watched processes (all their threads). */
  readonly ours: number;
}

/**
 * Reads the machine's CPU counters and those of `pids` from /proc, or
 * returns undefined where there is no /proc (not Linux) or a pid is gone.
 */
export function readCpuTicks(pids: readonly number[]): CpuTicks | undefined {
  try {
    const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already in user).
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
    const busy = user + nice + system + irq + softirq + steal;
    let ours = 0;
    for (const pid of pids) {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // The command name may hold spaces; the fields after its closing parenthesis are fixed.
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ours += Number(rest[11]) + Number(rest[12]);
    }
    return { busy, total: busy + idle + iowait, ours };
  } catch {
    return undefined;
  }
}

/**
 * Share of the machine's CPU (0..1 of all cores) used by processes other
 * than ours between two readings: how much a neighbour disturbed a
 * measurement. Undefined when either reading is missing.
 */
export function foreignShare(before: CpuTicks | undefined, after: CpuTicks | undefined): number | undefined {
  if (!before || !after || after.total <= before.total) return undefined;
  const foreign = after.busy - before.busy - (after.ours - before.ours);
  return Math.max(0, foreign) / (after.total - before.total);
}
