import os from 'node:os';
import type { Metric } from '@siaga/shared';
import si from 'systeminformation';
import { probeConfig, round } from './base.js';
import type { Probe } from './types.js';

const configSchema = probeConfig(true, 5_000, {});

/** CPU usage since the previous run (Telegraf's `cpu`, tag cpu=cpu-total) and load (`system`). */
export const cpuProbe: Probe<typeof configSchema._output> = {
  name: 'cpu',
  description: 'CPU usage in percent since the previous run, and load averages',
  measurements: ['cpu', 'system'],
  defaultEnabled: true,
  configSchema,
  async collect() {
    const load = await si.currentLoad();
    const [load1, load5, load15] = os.loadavg();
    const metrics: Metric[] = [
      {
        m: 'cpu',
        tags: { cpu: 'cpu-total' },
        fields: {
          usage_active: round(load.currentLoad),
          usage_user: round(load.currentLoadUser),
          usage_system: round(load.currentLoadSystem),
          usage_idle: round(load.currentLoadIdle),
          usage_irq: round(load.currentLoadIrq),
          usage_steal: round(load.currentLoadSteal),
        },
      },
      { m: 'system', fields: { load1: round(load1 ?? 0), load5: round(load5 ?? 0), load15: round(load15 ?? 0), n_cpus: os.availableParallelism() } },
    ];
    return metrics;
  },
};
