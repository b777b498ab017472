import type { Metric } from '@siaga/shared';
import si from 'systeminformation';
import { z } from 'zod';
import { flag, probeConfig, round } from './base.js';
import type { Probe } from './types.js';

/** Pseudo and image file systems that never hold user data (Telegraf ignores the same). */
const IGNORED_FS = ['tmpfs', 'devtmpfs', 'devfs', 'iso9660', 'overlay', 'aufs', 'squashfs', 'proc', 'sysfs', 'cgroup', 'cgroup2', 'autofs', 'nsfs', 'tracefs', 'ramfs'];

const configSchema = probeConfig(true, 10_000, {
  /** File system types to skip. */
  ignoreFs: z.array(z.string().min(1).max(32)).max(64).default(IGNORED_FS),
  /** When set, only these mount points (or drive letters such as `C:`) are reported. */
  mounts: z.array(z.string().min(1).max(256)).max(64).optional(),
});

/** Free space per mounted volume (Telegraf's `disk`, tag path), plus whether it is read-only. */
export const diskProbe: Probe<typeof configSchema._output> = {
  name: 'disk',
  description: 'Free and used space per mounted volume; read-only mounts',
  measurements: ['disk'],
  defaultEnabled: true,
  configSchema,
  async collect(_ctx, config) {
    const volumes = await si.fsSize();
    const metrics: Metric[] = [];
    const seen = new Set<string>();
    for (const v of volumes) {
      if (config.ignoreFs.includes(v.type.toLowerCase())) continue;
      if (config.mounts && !config.mounts.includes(v.mount)) continue;
      if (seen.has(v.mount) || !(v.size > 0)) continue;
      seen.add(v.mount);
      const free = Math.max(0, v.available);
      metrics.push({
        m: 'disk',
        tags: { path: v.mount, fstype: v.type || 'unknown', mode: v.rw === false ? 'ro' : 'rw' },
        fields: {
          total: v.size,
          free,
          used: v.used,
          used_percent: round(v.use),
          free_percent: round((free / v.size) * 100),
          read_only: flag(v.rw === false),
        },
      });
    }
    return metrics;
  },
};
