/** Cumulative CPU times of all cores, in clock ticks, from the `cpu` line of /proc/stat. */
export interface CpuTimes {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
}

/** Percentages over an interval, with Telegraf's `cpu` field names. */
export interface CpuUsage {
  usage_active: number;
  usage_user: number;
  usage_system: number;
  usage_idle: number;
  usage_irq: number;
  usage_steal: number;
}

/** The aggregate `cpu  user nice system idle iowait irq softirq steal guest guest_nice` line. */
export function parseProcStatCpu(text: string): CpuTimes {
  const end = text.indexOf('\n');
  const line = end < 0 ? text : text.slice(0, end);
  const parts = line.trim().split(/\s+/);
  if (parts[0] !== 'cpu' || parts.length < 5) throw new Error(`/proc/stat: no aggregate cpu line (got ${JSON.stringify(line.slice(0, 60))})`);
  const n = (i: number) => Number(parts[i] ?? 0) || 0;
  return { user: n(1), nice: n(2), system: n(3), idle: n(4), iowait: n(5), irq: n(6), softirq: n(7), steal: n(8) };
}

/**
 * Usage between two readings (or since boot when there is no earlier one). Guest time is already
 * part of user time in /proc/stat, so it is not added again. Active is everything but idle and
 * I/O wait; irq covers hard and soft interrupts. Undefined when no tick passed in between.
 */
export function cpuUsage(now: CpuTimes, before?: CpuTimes): CpuUsage | undefined {
  const d = (k: keyof CpuTimes) => Math.max(0, now[k] - (before?.[k] ?? 0));
  const total = d('user') + d('nice') + d('system') + d('idle') + d('iowait') + d('irq') + d('softirq') + d('steal');
  if (total <= 0) return undefined;
  const pct = (ticks: number) => (ticks / total) * 100;
  return {
    usage_active: pct(total - d('idle') - d('iowait')),
    usage_user: pct(d('user')),
    usage_system: pct(d('system')),
    usage_idle: pct(d('idle')),
    usage_irq: pct(d('irq') + d('softirq')),
    usage_steal: pct(d('steal')),
  };
}
