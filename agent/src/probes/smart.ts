import type { Metric } from '@siaga/shared';
import { z } from 'zod';
import { flag, probeConfig } from './base.js';
import { parseDiskutilInfo, parseDiskutilWholeDisks, parsePhysicalDiskJson, parseWmicDiskDrive } from './smart.os-status.js';
import { parseSmartctlDevice, parseSmartctlScan, type ScannedDevice, type SmartReading } from './smart.smartctl.js';
import { cleanText, decodeOutput } from './parsers/text.js';
import type { Probe, ProbeContext } from './types.js';

const configSchema = probeConfig(true, 60_000, {
  /** SMART data changes slowly: drives are read at most this often; cached values are re-sent in between. */
  intervalSec: z.number().int().min(30).max(86_400).default(300),
  /** How often the device list is scanned again (new or removed drives). */
  rescanSec: z.number().int().min(60).max(86_400).default(3600),
});
type SmartConfig = z.output<typeof configSchema>;

interface Cached {
  at: number;
  readings?: (SmartReading | DeviceError)[];
  error?: string;
}
interface DeviceError {
  device: string;
  error: string;
}
interface ScanCache {
  at: number;
  devices: ScannedDevice[];
}

const PHYSICAL_DISK_SCRIPT =
  '[Console]::OutputEncoding=[Text.Encoding]::UTF8; Get-PhysicalDisk | Select-Object DeviceId,FriendlyName,SerialNumber,HealthStatus | ConvertTo-Json -Compress';

function toMetric(r: SmartReading | DeviceError): Metric {
  if ('error' in r) return { m: 'smart_device', tags: { device: r.device, model: 'unknown' }, fields: { error: cleanText(r.error, 1024) ?? 'unreadable' } };
  const fields: Metric['fields'] = { health_ok: flag(r.healthOk) };
  if (r.smartPassed !== undefined) fields.smart_passed = flag(r.smartPassed);
  const numbers: [string, number | undefined][] = [
    ['temp_c', r.tempC],
    ['power_on_hours', r.powerOnHours],
    ['reallocated_sectors', r.reallocatedSectors],
    ['pending_sectors', r.pendingSectors],
    ['media_errors', r.mediaErrors],
    ['percentage_used', r.percentageUsed],
    ['critical_warning', r.criticalWarning],
  ];
  for (const [key, value] of numbers) if (value !== undefined) fields[key] = value;
  const serial = cleanText(r.serial);
  if (serial) fields.serial = serial;
  if (r.problems.length > 0) fields.problems = cleanText(r.problems.join('; '), 1024) ?? '';
  return { m: 'smart_device', tags: { device: cleanText(r.device) ?? 'unknown', model: cleanText(r.model) ?? 'unknown' }, fields };
}

async function scanDevices(ctx: ProbeContext, config: SmartConfig): Promise<ScannedDevice[] | undefined> {
  const cached = ctx.memo.get('scan') as ScanCache | undefined;
  if (cached && ctx.now() - cached.at < config.rescanSec * 1000) return cached.devices;
  const res = await ctx.run('smartctl', ['--scan-open', '--json'], { signal: ctx.signal });
  if (res.code === 127) return undefined;
  let devices: ScannedDevice[];
  try {
    devices = parseSmartctlScan(JSON.parse(res.stdout.toString('utf8')));
  } catch (err) {
    throw new Error(`smartctl --scan-open failed: ${res.stderr.trim() || (err as Error).message}`);
  }
  ctx.memo.set('scan', { at: ctx.now(), devices } satisfies ScanCache);
  return devices;
}

async function readDevice(ctx: ProbeContext, dev: ScannedDevice): Promise<SmartReading> {
  if (dev.openError) throw new Error(`${dev.name}: ${dev.openError}`);
  // --nocheck=standby: never spin up a sleeping disk just to read it.
  const args = ['--json', '-a', '--nocheck=standby', ...(dev.type ? ['-d', dev.type] : []), dev.name];
  const res = await ctx.run('smartctl', args, { signal: ctx.signal });
  let doc: unknown;
  try {
    doc = JSON.parse(res.stdout.toString('utf8'));
  } catch {
    throw new Error(`${dev.name}: smartctl exit ${String(res.code)}: ${res.stderr.trim() || 'no JSON output'}`);
  }
  return parseSmartctlDevice(doc, dev.name);
}

async function readWithSmartctl(ctx: ProbeContext, devices: ScannedDevice[], previous: Cached | undefined): Promise<(SmartReading | DeviceError)[]> {
  const out: (SmartReading | DeviceError)[] = [];
  for (const dev of devices) {
    try {
      out.push(await readDevice(ctx, dev));
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      // A drive in standby is not woken up; its last reading stays valid (smartctl is never localized).
      const message = (err as Error).message;
      const last = /standby/i.test(message) ? previous?.readings?.find((r) => r.device === dev.name && !('error' in r)) : undefined;
      out.push(last ?? { device: dev.name, error: message });
    }
  }
  return out;
}

/** Drive health from the OS where smartctl is absent; undefined when the OS offers none. */
async function readOsStatus(ctx: ProbeContext): Promise<SmartReading[] | undefined> {
  if (ctx.platform === 'win32') {
    const ps = await ctx.run('powershell', ['-NoProfile', '-NonInteractive', '-Command', PHYSICAL_DISK_SCRIPT], { signal: ctx.signal });
    if (ps.code === 0) {
      try {
        return parsePhysicalDiskJson(decodeOutput(ps.stdout));
      } catch {
        // fall through to wmic
      }
    }
    const wmic = await ctx.run('wmic', ['diskdrive', 'get', 'DeviceID,Model,SerialNumber,Status', '/format:list'], { signal: ctx.signal });
    return wmic.code === 0 ? parseWmicDiskDrive(decodeOutput(wmic.stdout)) : undefined;
  }
  if (ctx.platform === 'darwin') {
    const list = await ctx.run('diskutil', ['list', '-plist', 'physical'], { signal: ctx.signal });
    if (list.code !== 0) return undefined;
    const out: SmartReading[] = [];
    for (const disk of parseDiskutilWholeDisks(list.stdout.toString('utf8'))) {
      const info = await ctx.run('diskutil', ['info', '-plist', disk], { signal: ctx.signal });
      const reading = info.code === 0 ? parseDiskutilInfo(info.stdout.toString('utf8'), disk) : undefined;
      if (reading) out.push(reading);
    }
    return out;
  }
  return undefined;
}

async function read(ctx: ProbeContext, config: SmartConfig, previous: Cached | undefined): Promise<(SmartReading | DeviceError)[]> {
  const devices = await scanDevices(ctx, config);
  if (devices) return readWithSmartctl(ctx, devices, previous);
  const os = await readOsStatus(ctx);
  if (!os) throw new Error('smartctl not installed');
  return os;
}

/**
 * SMART health per drive (`smart_device`). "Passed" alone is not health: a drive with reallocated
 * or pending sectors, NVMe media errors or a critical warning is reported as not healthy.
 */
export const smartProbe: Probe<SmartConfig> = {
  name: 'smart',
  description: 'Drive health from SMART (smartctl), or the OS drive status where smartctl is absent',
  measurements: ['smart_device'],
  // Drives are read every `intervalSec` at most; re-running in between only re-sends the cache.
  minWatchIntervalMs: Infinity,
  defaultEnabled: true,
  configSchema,
  async collect(ctx, config) {
    const previous = ctx.memo.get('data') as Cached | undefined;
    if (previous && ctx.now() - previous.at < config.intervalSec * 1000) {
      if (previous.error) throw new Error(previous.error);
      return (previous.readings ?? []).map(toMetric);
    }
    try {
      const readings = await read(ctx, config, previous);
      ctx.memo.set('data', { at: ctx.now(), readings } satisfies Cached);
      return readings.map(toMetric);
    } catch (err) {
      // Remember the failure too, so a missing smartctl is not looked for on every run.
      if (!ctx.signal.aborted) ctx.memo.set('data', { at: ctx.now(), error: (err as Error).message } satisfies Cached);
      throw err;
    }
  },
};
