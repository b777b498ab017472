import os from 'node:os';
import { probeConfig } from './base.js';
import type { Probe } from './types.js';

const configSchema = probeConfig(true, 2_000, {});

/** Uptime in seconds (Telegraf's `system.uptime`). */
export const systemProbe: Probe<typeof configSchema._output> = {
  name: 'system',
  description: 'Uptime since the last boot',
  measurements: ['system'],
  // Uptime is judged in days; the pending-reboot check shares the measurement and must not re-run this every second.
  minWatchIntervalMs: Infinity,
  defaultEnabled: true,
  configSchema,
  async collect() {
    return [{ m: 'system', fields: { uptime: Math.round(os.uptime()) } }];
  },
};
