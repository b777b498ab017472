import { access } from 'node:fs/promises';
import { z } from 'zod';
import { flag, probeConfig } from './base.js';
import type { Probe, ProbeContext } from './types.js';

const configSchema = probeConfig(true, 10_000, {
  /** Pending reboots appear after updates: checked at most this often (the answer is re-sent in between). */
  intervalSec: z.number().int().min(1).max(86_400).default(300),
});
type RebootConfig = z.output<typeof configSchema>;

/** Debian and Ubuntu (update-notifier, unattended-upgrades) create this file after updates that need a reboot. */
const LINUX_FLAGS = ['/run/reboot-required', '/var/run/reboot-required'];
/** Keys that exist only while Windows waits for a reboot to finish servicing or updates. */
const WINDOWS_KEYS = [
  'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending',
  'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired',
];

const exists = (file: string) => access(file).then(() => true, () => false);

async function windowsPending(ctx: ProbeContext): Promise<boolean> {
  for (const key of WINDOWS_KEYS) {
    const res = await ctx.run('reg', ['query', key], { signal: ctx.signal });
    // reg query: 0 = the key exists, 1 = it does not; anything else is a failure to ask.
    if (res.code === 0) return true;
    if (res.code !== 1) throw new Error(`reg query ${key}: ${res.code === 127 ? 'reg.exe not found' : res.stderr.trim() || `exit ${String(res.code)}`}`);
  }
  return false;
}

/** `system.pending_reboot` (1/0) on Linux and Windows; macOS does not expose it (no point). */
export function createRebootProbe(linuxFlags: readonly string[] = LINUX_FLAGS): Probe<RebootConfig> {
  return {
    name: 'reboot',
    description: 'Whether the OS waits for a reboot to finish installing updates',
    measurements: ['system'],
    // Checked every `intervalSec` at most (a registry query on Windows); the report interval is soon enough.
    minWatchIntervalMs: Infinity,
    defaultEnabled: true,
    configSchema,
    async collect(ctx, config) {
      if (ctx.platform !== 'linux' && ctx.platform !== 'win32') return [];
      const cached = ctx.memo.get('pending') as { at: number; pending: boolean } | undefined;
      let pending: boolean;
      if (cached && ctx.now() - cached.at < config.intervalSec * 1000) pending = cached.pending;
      else {
        pending = ctx.platform === 'win32' ? await windowsPending(ctx) : (await Promise.all(linuxFlags.map(exists))).some(Boolean);
        ctx.memo.set('pending', { at: ctx.now(), pending });
      }
      return [{ m: 'system', fields: { pending_reboot: flag(pending) } }];
    },
  };
}

export const rebootProbe = createRebootProbe();
