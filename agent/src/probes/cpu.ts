import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { Metric } from '@siaga/shared';
import si from 'systeminformation';
import { probeConfig, round } from './base.js';
import { type CpuTimes, type CpuUsage, cpuUsage, parseProcStatCpu } from './cpu.linux.js';
import type { Probe, ProbeContext } from './types.js';

const configSchema = probeConfig(true, 5_000, {});

/**
 * Linux: one read of /proc/stat against the previous run's (systeminformation would start `cat`
 * and `grep` through a shell, synchronously, on every run). A second run within the same clock
 * tick repeats the last answer.
 */
function linuxUsage(ctx: ProbeContext, procRoot: string): CpuUsage {
  const now = parseProcStatCpu(readFileSync(`${procRoot}/stat`, 'utf8'));
  const before = ctx.memo.get('times') as CpuTimes | undefined;
  const usage = cpuUsage(now, before) ?? (ctx.memo.get('usage') as CpuUsage | undefined) ?? cpuUsage(now);
  if (!usage) throw new Error('/proc/stat: no CPU time counted yet');
  ctx.memo.set('times', now);
  ctx.memo.set('usage', usage);
  return usage;
}

async function otherUsage(): Promise<CpuUsage> {
  const load = await si.currentLoad();
  return {
    usage_active: load.currentLoad,
    usage_user: load.currentLoadUser,
    usage_system: load.currentLoadSystem,
    usage_idle: load.currentLoadIdle,
    usage_irq: load.currentLoadIrq,
    usage_steal: load.currentLoadSteal,
  };
}

/** CPU usage since the previous run (Telegraf's `cpu`, tag cpu=cpu-total) and load (`system`). */
export function createCpuProbe(procRoot = '/proc'): Probe<typeof configSchema._output> {
  return {
    name: 'cpu',
    description: 'CPU usage in percent since the previous run, and load averages',
    measurements: ['cpu', 'system'],
    // Usage over a second is noise, and a CPU check judges minutes (`for`).
    minWatchIntervalMs: 5_000,
    defaultEnabled: true,
    configSchema,
    async collect(ctx) {
      const u = ctx.platform === 'linux' ? linuxUsage(ctx, procRoot) : await otherUsage();
      const [load1, load5, load15] = os.loadavg();
      const metrics: Metric[] = [
        {
          m: 'cpu',
          tags: { cpu: 'cpu-total' },
          fields: {
            usage_active: round(u.usage_active),
            usage_user: round(u.usage_user),
            usage_system: round(u.usage_system),
            usage_idle: round(u.usage_idle),
            usage_irq: round(u.usage_irq),
            usage_steal: round(u.usage_steal),
          },
        },
        { m: 'system', fields: { load1: round(load1 ?? 0), load5: round(load5 ?? 0), load15: round(load15 ?? 0), n_cpus: os.availableParallelism() } },
      ];
      return metrics;
    },
  };
}

export const cpuProbe = createCpuProbe();
