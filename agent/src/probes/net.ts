import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { Metric } from '@siaga/shared';
import si from 'systeminformation';
import { z } from 'zod';
import { flag, probeConfig } from './base.js';
import { parseProcNetDev, readOperstate } from './net.linux.js';
import type { Probe } from './types.js';

const configSchema = probeConfig(true, 5_000, {
  /** Report the loopback interface too (off: it says nothing about the office network). */
  includeLoopback: z.boolean().default(false),
});

const LOOPBACK = /^(lo\d*|Loopback.*)$/i;

interface IfaceStats {
  iface: string;
  operstate: string;
  rx_bytes: number;
  tx_bytes: number;
  rx_errors: number;
  tx_errors: number;
  rx_dropped: number;
  tx_dropped: number;
}

/**
 * Linux: the counters of /proc/net/dev and each interface's operstate from sysfs, for the
 * interfaces that hold an address (the set systeminformation reports), without starting a process:
 * systeminformation lists adapters with `ip` and `nmcli` and runs seven `cat`s per interface.
 */
function linuxStats(procRoot: string, sysRoot: string): IfaceStats[] {
  const counters = parseProcNetDev(readFileSync(`${procRoot}/net/dev`, 'utf8'));
  const out: IfaceStats[] = [];
  for (const iface of Object.keys(os.networkInterfaces())) {
    const c = counters.get(iface);
    if (!c) continue;
    out.push({ iface, operstate: readOperstate(iface, sysRoot), rx_bytes: c.rxBytes, tx_bytes: c.txBytes, rx_errors: c.rxErrors, tx_errors: c.txErrors, rx_dropped: c.rxDropped, tx_dropped: c.txDropped });
  }
  return out;
}

/** Traffic counters and state per interface (Telegraf's `net`, tag interface). */
export function createNetProbe(roots: { proc: string; sys: string } = { proc: '/proc', sys: '/sys' }): Probe<typeof configSchema._output> {
  return {
    name: 'net',
    description: 'Bytes, packets, errors and drops per network interface',
    measurements: ['net'],
    defaultEnabled: true,
    configSchema,
    async collect(ctx, config) {
      const stats: IfaceStats[] = ctx.platform === 'linux' ? linuxStats(roots.proc, roots.sys) : await si.networkStats('*');
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
}

export const netProbe = createNetProbe();
