import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { probeConfig } from './base.js';
import { parseIoregBattery, parsePmsetBatt, parseSpPower } from './battery.darwin.js';
import { combinePacks, parseUpower, parseUpowerEnumerate, readSysfsBatteries, type BatteryPack } from './battery.linux.js';
import { batteryMetric, type BatteryReading } from './battery.model.js';
import { batteryFromWin32, parseBatteryReport, parseWmiList } from './battery.win32.js';
import { decodeOutput } from './parsers/text.js';
import type { Probe, ProbeContext } from './types.js';

const configSchema = probeConfig(true, 20_000, {
  /** Capacity and cycle count change over weeks: read them (ioreg, powercfg report) at most this often. */
  healthIntervalSec: z.number().int().min(60).max(86_400).default(3600),
});
type BatteryConfig = z.output<typeof configSchema>;
type Health = Pick<BatteryReading, 'healthPercent' | 'cycleCount'>;

const WIN32_FIELDS = 'BatteryStatus,EstimatedChargeRemaining,EstimatedRunTime,DesignCapacity,FullChargeCapacity';

/** Slow facts, re-read only every `healthIntervalSec`. */
async function cachedHealth(ctx: ProbeContext, config: BatteryConfig, read: () => Promise<Health | undefined>): Promise<Health | undefined> {
  const cached = ctx.memo.get('health') as { at: number; value: Health | undefined } | undefined;
  if (cached && ctx.now() - cached.at < config.healthIntervalSec * 1000) return cached.value;
  const value = await read();
  ctx.memo.set('health', { at: ctx.now(), value });
  return value;
}

async function readLinux(ctx: ProbeContext, sysfsRoot: string): Promise<BatteryReading | undefined> {
  const sysfs = await readSysfsBatteries(sysfsRoot);
  if (sysfs) return sysfs.reading;
  // No sysfs (unusual containers, some BSD-like setups): ask UPower.
  const list = await ctx.run('upower', ['-e'], { signal: ctx.signal });
  if (list.code !== 0) return undefined;
  const packs: BatteryPack[] = [];
  for (const device of parseUpowerEnumerate(list.stdout.toString('utf8'))) {
    const info = await ctx.run('upower', ['-i', device], { signal: ctx.signal });
    const pack = info.code === 0 ? parseUpower(info.stdout.toString('utf8')) : undefined;
    if (pack) packs.push(pack);
  }
  return combinePacks(packs);
}

async function readDarwin(ctx: ProbeContext, config: BatteryConfig): Promise<BatteryReading | undefined> {
  const pmset = await ctx.run('pmset', ['-g', 'batt'], { signal: ctx.signal });
  if (pmset.code !== 0) throw new Error(`pmset -g batt failed: ${pmset.stderr.trim() || `exit ${String(pmset.code)}`}`);
  const base = parsePmsetBatt(pmset.stdout.toString('utf8'));
  if (!base) return undefined;
  const health = await cachedHealth(ctx, config, async () => {
    const ioreg = await ctx.run('ioreg', ['-r', '-c', 'AppleSmartBattery'], { signal: ctx.signal });
    const fromIoreg = ioreg.code === 0 ? parseIoregBattery(ioreg.stdout.toString('utf8')) : undefined;
    if (fromIoreg?.cycleCount !== undefined) return { healthPercent: fromIoreg.healthPercent, cycleCount: fromIoreg.cycleCount };
    const sp = await ctx.run('system_profiler', ['SPPowerDataType'], { signal: ctx.signal });
    const fromSp = sp.code === 0 ? parseSpPower(sp.stdout.toString('utf8')) : undefined;
    return fromSp ? { healthPercent: fromSp.healthPercent, cycleCount: fromSp.cycleCount } : undefined;
  });
  return { ...base, ...definedOnly(health) };
}

async function powercfgReport(ctx: ProbeContext): Promise<Health | undefined> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'siaga-battery-'));
  try {
    const file = path.join(dir, 'report.xml');
    const res = await ctx.run('powercfg', ['/batteryreport', '/xml', '/output', file], { signal: ctx.signal });
    if (res.code !== 0) return undefined;
    return parseBatteryReport(decodeOutput(await readFile(file)));
  } catch {
    return undefined;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function readWindows(ctx: ProbeContext, config: BatteryConfig): Promise<BatteryReading | undefined> {
  let res = await ctx.run('wmic', ['path', 'Win32_Battery', 'get', WIN32_FIELDS, '/format:list'], { signal: ctx.signal });
  if (res.code !== 0) {
    // wmic is gone from recent Windows 11 builds; PowerShell's Format-List has the same keys.
    const script = `Get-CimInstance Win32_Battery | Format-List ${WIN32_FIELDS}`;
    res = await ctx.run('powershell', ['-NoProfile', '-NonInteractive', '-Command', script], { signal: ctx.signal });
    if (res.code !== 0) throw new Error(`Win32_Battery query failed: ${res.stderr.trim() || `exit ${String(res.code)}`}`);
  }
  const base = batteryFromWin32(parseWmiList(decodeOutput(res.stdout)));
  if (!base) return undefined;
  if (base.healthPercent !== undefined) return base;
  const health = await cachedHealth(ctx, config, () => powercfgReport(ctx));
  return { ...base, ...definedOnly(health) };
}

function definedOnly(h: Health | undefined): Health {
  const out: Health = {};
  if (h?.healthPercent !== undefined) out.healthPercent = h.healthPercent;
  if (h?.cycleCount !== undefined) out.cycleCount = h.cycleCount;
  return out;
}

/** Charge, power source, wear and runtime of the laptop battery (`battery`). Desktops: no points. */
export function createBatteryProbe(paths: { sysfsRoot?: string } = {}): Probe<BatteryConfig> {
  const sysfsRoot = paths.sysfsRoot ?? '/sys/class/power_supply';
  return {
    name: 'battery',
    description: 'Battery charge, power source, health (full vs design capacity), cycle count and runtime left',
    measurements: ['battery'],
    // Charge and wear change over minutes and weeks; reading them may start a program (upower, wmic, pmset).
    minWatchIntervalMs: 60_000,
    defaultEnabled: true,
    configSchema,
    async collect(ctx, config) {
      let reading: BatteryReading | undefined;
      if (ctx.platform === 'linux') reading = await readLinux(ctx, sysfsRoot);
      else if (ctx.platform === 'darwin') reading = await readDarwin(ctx, config);
      else if (ctx.platform === 'win32') reading = await readWindows(ctx, config);
      const metric = reading ? batteryMetric(reading) : undefined;
      return metric ? [metric] : [];
    },
  };
}

export const batteryProbe = createBatteryProbe();
