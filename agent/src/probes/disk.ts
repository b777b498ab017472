import { readFileSync, statfsSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import type { Metric } from '@siaga/shared';
import si from 'systeminformation';
import { z } from 'zod';
import { flag, probeConfig, round } from './base.js';
import type { Probe, ProbeContext } from './types.js';

/**
 * Pseudo and image file systems that never hold user data (Telegraf ignores the same), and the
 * kernel's own (node_exporter's list): they have no blocks, so asking them costs a statfs for nothing.
 */
const IGNORED_FS = ['tmpfs', 'devtmpfs', 'devfs', 'iso9660', 'overlay', 'aufs', 'squashfs', 'proc', 'sysfs', 'cgroup', 'cgroup2', 'autofs', 'nsfs', 'tracefs', 'ramfs', 'fuse.portal', 'fuse.gvfsd-fuse', 'devpts', 'mqueue', 'hugetlbfs', 'pstore', 'bpf', 'securityfs', 'debugfs', 'configfs', 'fusectl', 'binfmt_misc', 'rpc_pipefs', 'selinuxfs'];

const configSchema = probeConfig(true, 10_000, {
  /** File system types to skip. */
  ignoreFs: z.array(z.string().min(1).max(32)).max(64).default(IGNORED_FS),
  /** When set, only these mount points (or drive letters such as `C:`), whatever their type. */
  mounts: z.array(z.string().min(1).max(256)).max(64).optional(),
});

interface Mount {
  path: string;
  fstype: string;
  readOnly: boolean;
}

/** Decodes the octal escapes /proc/mounts uses for spaces and tabs in paths. */
const unescapeMount = (s: string) => s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(Number.parseInt(o, 8)));

/** Parses /proc/self/mounts: device, mount point, type, options. */
export function parseProcMounts(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const [, mountPoint, fstype, options] = line.split(' ');
    if (!mountPoint || !fstype || !options) continue;
    mounts.push({ path: unescapeMount(mountPoint), fstype, readOnly: options.split(',').includes('ro') });
  }
  return mounts;
}

const MOUNT_LIST_TTL_MS = 5 * 60_000;
/** Linux re-reads its mount table this often; sizes are asked every run. */
const PROC_MOUNTS_TTL_MS = 10_000;

/**
 * File systems on a local block device: statfs answers from the superblock in memory, so it is
 * asked synchronously (a tenth of the CPU of a thread-pool round trip, every second while a check
 * watches). Network and FUSE file systems are asked asynchronously: a dead server can hang statfs.
 */
const LOCAL_FS = new Set(['ext2', 'ext3', 'ext4', 'xfs', 'btrfs', 'f2fs', 'jfs', 'reiserfs', 'vfat', 'exfat', 'ntfs', 'ntfs3', 'hfsplus', 'tmpfs', 'ramfs']);

/**
 * The mount list. Linux: /proc/self/mounts, read synchronously (the kernel renders it from memory)
 * at most every 10 s, since the probe runs every second while a check watches it and rendering
 * the table costs the kernel more than the statfs calls (a volume mounted or unmounted shows
 * within 10 s). Elsewhere systeminformation, which
 * spawns a command, so it is cached for a few minutes.
 */
async function listMounts(ctx: ProbeContext): Promise<Mount[]> {
  const ttl = ctx.platform === 'linux' ? PROC_MOUNTS_TTL_MS : MOUNT_LIST_TTL_MS;
  const cached = ctx.memo.get('mounts') as { at: number; mounts: Mount[] } | undefined;
  if (cached && ctx.now() - cached.at < ttl) return cached.mounts;
  if (ctx.platform === 'linux') {
    const mounts = parseProcMounts(readFileSync('/proc/self/mounts', 'utf8'));
    ctx.memo.set('mounts', { at: ctx.now(), mounts });
    return mounts;
  }
  const mounts = (await si.fsSize()).map((v) => ({ path: v.mount, fstype: (v.type || 'unknown').toLowerCase(), readOnly: v.rw === false }));
  ctx.memo.set('mounts', { at: ctx.now(), mounts });
  return mounts;
}

/**
 * Free space per mounted volume (Telegraf's `disk`, tag path) and whether it is read-only. Sizes
 * come from statfs on every run, which costs a system call per volume.
 */
export const diskProbe: Probe<typeof configSchema._output> = {
  name: 'disk',
  description: 'Free and used space per mounted volume; read-only mounts',
  measurements: ['disk'],
  defaultEnabled: true,
  configSchema,
  async collect(ctx, config) {
    const all = await listMounts(ctx);
    const wanted = config.mounts ? all.filter((m) => config.mounts?.includes(m.path)) : all.filter((m) => !config.ignoreFs.includes(m.fstype));
    const metrics: Metric[] = [];
    const seen = new Set<string>();
    for (const m of wanted) {
      if (seen.has(m.path)) continue;
      seen.add(m.path);
      let s;
      try {
        s = ctx.platform === 'linux' && LOCAL_FS.has(m.fstype) ? statfsSync(m.path) : await statfs(m.path);
      } catch {
        continue; // unmounted meanwhile, or not readable by the agent
      }
      const total = s.blocks * s.bsize;
      if (!(total > 0)) continue;
      const available = s.bavail * s.bsize;
      const used = total - s.bfree * s.bsize;
      // Like df: the root-reserved blocks count neither as used nor as available.
      const usable = used + available;
      metrics.push({
        m: 'disk',
        tags: { path: m.path, fstype: m.fstype || 'unknown', mode: m.readOnly ? 'ro' : 'rw' },
        fields: {
          total,
          free: available,
          used,
          used_percent: usable > 0 ? round((used / usable) * 100) : 0,
          free_percent: usable > 0 ? round((available / usable) * 100) : 0,
          read_only: flag(m.readOnly),
        },
      });
    }
    return metrics;
  },
};
