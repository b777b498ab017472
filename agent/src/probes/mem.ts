import type { Metric } from '@siaga/shared';
import si from 'systeminformation';
import { probeConfig, round } from './base.js';
import type { Probe } from './types.js';

const configSchema = probeConfig(true, 5_000, {});

const percent = (part: number, whole: number) => (whole > 0 ? round((part / whole) * 100) : 0);

/** Memory (`mem`) and swap (`swap`) in bytes and percent, with Telegraf's field names. */
export const memProbe: Probe<typeof configSchema._output> = {
  name: 'mem',
  description: 'Physical memory available and swap in use',
  measurements: ['mem', 'swap'],
  defaultEnabled: true,
  configSchema,
  async collect() {
    const m = await si.mem();
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
      {
        m: 'swap',
        fields: { total: m.swaptotal, used: m.swapused, free: m.swapfree, used_percent: percent(m.swapused, m.swaptotal) },
      },
    ];
    return metrics;
  },
};
