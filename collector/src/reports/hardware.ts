import type { HardwareRisk, ReportHost } from './types.js';

const CHECK_KINDS: Record<string, HardwareRisk['kind']> = { battery_health: 'battery', disk_health: 'disk_health', disk_space: 'disk_space', disk_read_only: 'disk_space', temperature: 'temperature' };

/** Below these, a machine is listed even when no check in the policy says so. */
export const RISK_LIMITS = { batteryHealthPercent: 70, diskFreePercent: 10 } as const;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * Hardware likely to stop a machine soon, from its current check results and newest metrics:
 * worn batteries, disks with SMART problems, nearly full disks, overheating.
 */
export function hardwareRisks(host: ReportHost): HardwareRisk[] {
  const found = new Map<string, HardwareRisk>();
  const add = (key: string, risk: Omit<HardwareRisk, 'hostId' | 'hostname'>) => {
    if (!found.has(key)) found.set(key, { hostId: host.id, hostname: host.hostname, ...risk });
  };
  for (const c of host.checks) {
    const kind = CHECK_KINDS[c.name];
    if (kind && c.status !== 'pass') add(`${kind}/${c.instance ?? ''}`, { kind, severity: c.status, detail: c.reason });
  }
  for (const m of host.metrics) {
    if (m.m === 'battery') {
      const health = num(m.fields.health_percent);
      if (health !== undefined && health < RISK_LIMITS.batteryHealthPercent) add('battery/', { kind: 'battery', severity: health < 40 ? 'fail' : 'warn', detail: `Battery holds ${Math.round(health)}% of its design capacity` });
    } else if (m.m === 'smart_device' && m.fields.health_ok === 0) {
      const device = m.tags?.device ?? 'disk';
      add(`disk_health/${device}`, { kind: 'disk_health', severity: 'fail', detail: `Disk ${device}: ${String(m.fields.problems ?? 'SMART reports a problem')}` });
    } else if (m.m === 'disk') {
      const free = num(m.fields.free_percent) ?? (num(m.fields.used_percent) !== undefined ? 100 - (num(m.fields.used_percent) as number) : undefined);
      const mount = m.tags?.path ?? '?';
      if (free !== undefined && free < RISK_LIMITS.diskFreePercent) add(`disk_space/${mount}`, { kind: 'disk_space', severity: free < 5 ? 'fail' : 'warn', detail: `Disk ${mount}: ${Math.round(free)}% free` });
    }
  }
  return [...found.values()];
}
