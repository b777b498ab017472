import type { Metric } from '@siaga/shared';
import si from 'systeminformation';
import { z } from 'zod';
import { flag, probeConfig } from './base.js';
import type { Probe } from './types.js';

const configSchema = probeConfig(true, 5_000, {
  /** Report the loopback interface too (off: it says nothing about the office network). */
  includeLoopback: z.boolean().default(false),
});

const LOOPBACK = /^(lo\d*|Loopback.*)$/i;

/** Traffic counters and state per interface (Telegraf's `net`, tag interface). */
export const netProbe: Probe<typeof configSchema._output> = {
  name: 'net',
  description: 'Bytes, packets, errors and drops per network interface',
  measurements: ['net'],
  defaultEnabled: true,
  configSchema,
  async collect(_ctx, config) {
    const stats = await si.networkStats('*');
    const metrics: Metric[] = [];
    for (const s of stats) {
      if (!config.includeLoopback && LOOPBACK.test(s.iface)) continue;
      metrics.push({
        m: 'net',
        tags: { interface: s.iface },
        fields: {
          bytes_recv: s.rx_bytes,
          bytes_sent: s.tx_bytes,
          err_in: s.rx_errors,
          err_out: s.tx_errors,
          drop_in: s.rx_dropped,
          drop_out: s.tx_dropped,
          up: flag(s.operstate === 'up'),
        },
      });
    }
    return metrics;
  },
};
