import { readdirSync } from 'node:fs';
import path from 'node:path';
import { round } from './base.js';
import { type BatteryReading, ratioPercent } from './battery.model.js';
import { readKernelFile } from './kernel-files.js';
import { lines, parseDecimal } from './parsers/text.js';

/** One battery pack as the kernel or UPower describes it; energies in one unit (µWh or Wh), rate per hour. */
export interface BatteryPack {
  percent?: number;
  state: 'charging' | 'discharging' | 'full' | 'idle' | 'unknown';
  energyNow?: number;
  energyFull?: number;
  energyDesign?: number;
  rate?: number;
  cycleCount?: number;
  /** Health as the source computed it (UPower's `capacity`), preferred over energy ratios. */
  healthPercent?: number;
  timeToEmptyMin?: number;
}

/** `/sys/class/power_supply/<name>/uevent`: POWER_SUPPLY_KEY=value lines, keys without the prefix. */
export function parseUevent(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of lines(text)) {
    const m = /^POWER_SUPPLY_([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m?.[1]) out[m[1]] = (m[2] ?? '').trim();
  }
  return out;
}

const SYSFS_STATE: Record<string, BatteryPack['state']> = { Charging: 'charging', Discharging: 'discharging', Full: 'full', 'Not charging': 'idle' };
const int = (v: string | undefined) => (v !== undefined && /^-?\d+$/.test(v) ? Number(v) : undefined);

/** A battery's uevent: energy in µWh and power in µW, or charge in µAh and current in µA. */
export function packFromUevent(u: Record<string, string>): BatteryPack {
  const charge = u.ENERGY_NOW === undefined && u.CHARGE_NOW !== undefined;
  const pick = (energy: string, chargeKey: string) => int(charge ? u[chargeKey] : u[energy]);
  const pack: BatteryPack = { state: SYSFS_STATE[u.STATUS ?? ''] ?? 'unknown' };
  const assign = <K extends keyof BatteryPack>(key: K, value: BatteryPack[K] | undefined) => {
    if (value !== undefined) pack[key] = value;
  };
  assign('energyNow', pick('ENERGY_NOW', 'CHARGE_NOW'));
  assign('energyFull', pick('ENERGY_FULL', 'CHARGE_FULL'));
  assign('energyDesign', pick('ENERGY_FULL_DESIGN', 'CHARGE_FULL_DESIGN'));
  const rate = pick('POWER_NOW', 'CURRENT_NOW');
  assign('rate', rate === undefined ? undefined : Math.abs(rate));
  assign('percent', int(u.CAPACITY) ?? ratioPercent(pack.energyNow, pack.energyFull));
  assign('cycleCount', int(u.CYCLE_COUNT));
  return pack;
}

const UPOWER_STATE: Record<string, BatteryPack['state']> = {
  charging: 'charging',
  discharging: 'discharging',
  'fully-charged': 'full',
  'pending-charge': 'idle',
  'pending-discharge': 'idle',
  empty: 'discharging',
};

/** "2,8 hours", "45,5 minutes": UPower prints a localized number and an English unit. */
function upowerMinutes(raw: string | undefined): number | undefined {
  const value = parseDecimal(raw);
  if (value === undefined || raw === undefined) return undefined;
  const unit = raw.replace(/^[\s\d.,-]+/, '').toLowerCase();
  if (unit.startsWith('s')) return value / 60;
  if (unit.startsWith('m')) return value;
  if (unit.startsWith('h')) return value * 60;
  if (unit.startsWith('d')) return value * 1440;
  return undefined;
}

/** `upower -i <battery path>`, in any locale (decimal commas). Undefined when it is not a system battery. */
export function parseUpower(text: string): BatteryPack | undefined {
  const kv: Record<string, string> = {};
  for (const line of lines(text)) {
    const m = /^\s*([a-z][a-z -]*[a-z]):\s+(.*)$/.exec(line);
    if (m?.[1] && !(m[1] in kv)) kv[m[1]] = (m[2] ?? '').trim();
  }
  if (kv['power supply'] === 'no' || kv.present === 'no') return undefined;
  if (kv.percentage === undefined && kv.energy === undefined) return undefined;
  const pack: BatteryPack = { state: UPOWER_STATE[kv.state ?? ''] ?? 'unknown' };
  const set = <K extends keyof BatteryPack>(key: K, value: BatteryPack[K] | undefined) => {
    if (value !== undefined) pack[key] = value;
  };
  set('percent', parseDecimal(kv.percentage));
  set('energyNow', parseDecimal(kv.energy));
  set('energyFull', parseDecimal(kv['energy-full']));
  set('energyDesign', parseDecimal(kv['energy-full-design']));
  set('rate', parseDecimal(kv['energy-rate']));
  set('healthPercent', parseDecimal(kv.capacity));
  set('cycleCount', parseDecimal(kv['charge-cycles']));
  set('timeToEmptyMin', upowerMinutes(kv['time to empty']));
  return pack;
}

const sum = (values: (number | undefined)[]): number | undefined =>
  values.every((v) => v !== undefined) && values.length > 0 ? values.reduce<number>((a, v) => a + (v ?? 0), 0) : undefined;

/** Several packs (ThinkPads have two) add up to one `battery` point. */
export function combinePacks(packs: BatteryPack[], mainsOnline?: boolean): BatteryReading | undefined {
  if (packs.length === 0) return undefined;
  const r: BatteryReading = {};
  const now = sum(packs.map((p) => p.energyNow));
  const full = sum(packs.map((p) => p.energyFull));
  const percents = packs.map((p) => p.percent).filter((p): p is number => p !== undefined);
  const percent = packs.length > 1 ? ratioPercent(now, full) : undefined;
  if (percent !== undefined) r.percent = percent;
  else if (percents.length > 0) r.percent = round(percents.reduce((a, p) => a + p, 0) / percents.length, 1);
  r.charging = packs.some((p) => p.state === 'charging');
  const discharging = packs.some((p) => p.state === 'discharging');
  r.plugged = mainsOnline ?? (!discharging && packs.some((p) => p.state !== 'unknown'));
  const givenHealth = packs.length === 1 ? packs[0]?.healthPercent : undefined;
  const health = givenHealth ?? ratioPercent(full, sum(packs.map((p) => p.energyDesign)));
  if (health !== undefined) r.healthPercent = health;
  const cycles = packs.map((p) => p.cycleCount).filter((c): c is number => c !== undefined);
  if (cycles.length > 0) r.cycleCount = Math.max(...cycles);
  if (discharging && !r.plugged) {
    const given = packs.length === 1 ? packs[0]?.timeToEmptyMin : undefined;
    const rate = sum(packs.map((p) => p.rate));
    const minutes = given ?? (now !== undefined && rate ? (now / rate) * 60 : undefined);
    if (minutes !== undefined) r.timeRemainingMin = minutes;
  }
  return r;
}

/**
 * Reads every system battery under /sys/class/power_supply. Undefined when the directory does
 * not exist (then UPower may know more); a desktop without batteries gives no reading.
 */
export async function readSysfsBatteries(root = '/sys/class/power_supply'): Promise<{ reading?: BatteryReading } | undefined> {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return undefined;
  }
  const packs: BatteryPack[] = [];
  let mainsOnline: boolean | undefined;
  for (const name of names.sort()) {
    let u: Record<string, string>;
    try {
      const text = readKernelFile(path.join(root, name, 'uevent'));
      if (text === undefined) continue;
      u = parseUevent(text);
    } catch {
      continue;
    }
    // Peripherals (mouse, headset) carry SCOPE=Device; they say nothing about the laptop.
    if (u.SCOPE === 'Device') continue;
    const type = u.TYPE ?? (/^BAT/i.test(name) ? 'Battery' : undefined);
    if (type === 'Battery') {
      if (u.PRESENT !== '0') packs.push(packFromUevent(u));
    } else if (type && u.ONLINE !== undefined) {
      mainsOnline = (mainsOnline ?? false) || u.ONLINE === '1';
    }
  }
  const reading = combinePacks(packs, packs.length > 0 ? mainsOnline : undefined);
  return reading ? { reading } : {};
}

/** `upower -e`: the object paths of battery devices. */
export const parseUpowerEnumerate = (text: string): string[] => lines(text).map((l) => l.trim()).filter((l) => /\/battery_/.test(l));
