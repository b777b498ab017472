import { readFileSync } from 'node:fs';
import type { Metric } from '@siaga/shared';
import si from 'systeminformation';
import { probeConfig, round } from './base.js';
import { type MemInfo, parseMeminfo } from './mem.linux.js';
import type { Probe } from './types.js';

const configSchema = probeConfig(true, 5_000, {});

const percent = (part: number, whole: number) => (whole > 0 ? round((part / whole) * 100) : 0);

async function otherMemInfo(): Promise<MemInfo> {
  const m = await si.mem();
  return { total: m.total, available: m.available, swapTotal: m.swaptotal, swapFree: m.swapfree };
}

/** Memory (`mem`) and swap (`swap`) in bytes and percent, with Telegraf's field names. */
export function createMemProbe(procRoot = '/proc'): Probe<typeof configSchema._output> {
  return {
    name: 'mem',
    description: 'Physical memory available and swap in use',
    measurements: ['mem', 'swap'],
    minWatchIntervalMs: 5_000,
    defaultEnabled: true,
    configSchema,
    async collect(ctx) {
      // Linux: one read of /proc/meminfo (a kernel-generated file: never blocks on a disk).
      const m = ctx.platform === 'linux' ? parseMeminfo(readFileSync(`${procRoot}/meminfo`, 'utf8')) : await otherMemInfo();
      const swapUsed = Math.max(0, m.swapTotal - m.swapFree);
      const metrics: Metric[] = [
        {
          m: 'mem',
          fields: {
            total: m.total,
            available: m.available,
            used: m.total - m.available,
            available_percent: percent(m.available, m.total),
            used_percent: percent(m.total - m.available, m.total),
          },
        },
        { m: 'swap', fields: { total: m.swapTotal, used: swapUsed, free: m.swapFree, used_percent: percent(swapUsed, m.swapTotal) } },
      ];
      return metrics;
    },
  };
}

export const memProbe = createMemProbe();
