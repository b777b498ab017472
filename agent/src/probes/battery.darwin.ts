import { type BatteryReading, ratioPercent } from './battery.model.js';
import { lines } from './parsers/text.js';

/**
 * `pmset -g batt`: the power source line and one line per battery, e.g.
 * ` -InternalBattery-0 (id=5374051)\t95%; discharging; 3:06 remaining present: true`.
 * Undefined when no battery is present (desktop Macs).
 */
export function parsePmsetBatt(text: string): BatteryReading | undefined {
  const all = lines(text);
  const source = /'([^']+)'/.exec(all[0] ?? '')?.[1];
  const line = all.find((l) => /InternalBattery/.test(l) && /\d+%/.test(l));
  if (!line || /present:\s*false/.test(line)) return undefined;
  const parts = line.slice(line.search(/\d+%/)).split(';').map((p) => p.trim());
  const r: BatteryReading = { percent: Number(/^(\d+)%/.exec(parts[0] ?? '')?.[1]) };
  const state = (parts[1] ?? '').toLowerCase();
  r.charging = state === 'charging' || state === 'finishing charge';
  r.plugged = source !== undefined ? source === 'AC Power' : state !== 'discharging';
  const time = /(\d+):(\d{2}) remaining/.exec(parts[2] ?? '');
  // While charging "remaining" means time to full: only runtime on battery is reported.
  if (time && state === 'discharging' && !r.plugged) r.timeRemainingMin = Number(time[1]) * 60 + Number(time[2]);
  return r;
}

/** `ioreg -r -c AppleSmartBattery`: `"Key" = value` lines of the battery's registry entry. */
export function parseIoregProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of lines(text)) {
    const m = /^\s*"([^"]+)" = (.*)$/.exec(line);
    if (m?.[1] && !(m[1] in out)) out[m[1]] = (m[2] ?? '').trim();
  }
  return out;
}

/** ioreg reports 65535 (0xFFFF) for "not known"; negative numbers arrive as wrapped 64-bit integers. */
const ioNumber = (raw: string | undefined): number | undefined => {
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  const n = Number(raw);
  return n === 65535 || n > 0xffffffff ? undefined : n;
};

/**
 * Battery facts from AppleSmartBattery. Intel Macs report MaxCapacity in mAh; Apple silicon
 * reports MaxCapacity as a percentage and the mAh in AppleRawMaxCapacity.
 */
export function parseIoregBattery(text: string): BatteryReading | undefined {
  const p = parseIoregProperties(text);
  if (p.BatteryInstalled === 'No' || (p.DesignCapacity === undefined && p.CycleCount === undefined)) return undefined;
  const design = ioNumber(p.DesignCapacity);
  const rawMax = ioNumber(p.AppleRawMaxCapacity);
  const max = ioNumber(p.MaxCapacity);
  const fullMah = rawMax ?? (max !== undefined && max > 100 ? max : ioNumber(p.NominalChargeCapacity));
  const rawCurrent = ioNumber(p.AppleRawCurrentCapacity);
  const current = ioNumber(p.CurrentCapacity);
  const r: BatteryReading = {};
  const percent = rawMax === undefined && max !== undefined && max <= 100 ? current : ratioPercent(rawCurrent ?? current, fullMah);
  if (percent !== undefined) r.percent = percent;
  if (p.IsCharging) r.charging = p.IsCharging === 'Yes';
  if (p.ExternalConnected) r.plugged = p.ExternalConnected === 'Yes';
  const health = ratioPercent(fullMah, design);
  if (health !== undefined) r.healthPercent = health;
  const cycles = ioNumber(p.CycleCount);
  if (cycles !== undefined) r.cycleCount = cycles;
  const minutes = ioNumber(p.AvgTimeToEmpty) ?? ioNumber(p.TimeRemaining);
  if (minutes !== undefined && r.plugged === false) r.timeRemainingMin = minutes;
  return r;
}

/** `system_profiler SPPowerDataType` text: indented "Label: value" lines, grouped by section. */
export function parseSpPower(text: string): BatteryReading | undefined {
  let section = '';
  const battery: Record<string, string> = {};
  const charger: Record<string, string> = {};
  for (const line of lines(text)) {
    const indent = line.search(/\S/);
    const m = /^\s*([^:]+):\s*(.*)$/.exec(line);
    if (!m?.[1]) continue;
    const key = m[1].trim();
    const value = (m[2] ?? '').trim();
    if (indent === 4) section = key;
    else if (section === 'Battery Information' && value) battery[key] ??= value;
    else if (section === 'AC Charger Information' && value) charger[key] ??= value;
  }
  if (battery['Battery Installed'] === 'No' || Object.keys(battery).length === 0) return undefined;
  const int = (k: string) => (battery[k] !== undefined && /^-?\d+$/.test(battery[k]) ? Number(battery[k]) : undefined);
  const r: BatteryReading = {};
  // Older macOS: "Charge Remaining (mAh)"; newer: "State of Charge (%)".
  const percent = int('State of Charge (%)') ?? ratioPercent(int('Charge Remaining (mAh)'), int('Full Charge Capacity (mAh)'));
  if (percent !== undefined) r.percent = percent;
  if (battery.Charging) r.charging = battery.Charging === 'Yes';
  if (charger.Connected) r.plugged = charger.Connected === 'Yes';
  const cycles = int('Cycle Count');
  if (cycles !== undefined) r.cycleCount = cycles;
  // Newer macOS prints "Maximum Capacity: 87%"; older ones give no design capacity at all.
  const max = /^(\d+)%$/.exec(battery['Maximum Capacity'] ?? '');
  if (max?.[1]) r.healthPercent = Number(max[1]);
  return r;
}
