import { XMLParser } from 'fast-xml-parser';
import { type BatteryReading, ratioPercent } from './battery.model.js';
import { lines } from './parsers/text.js';

/**
 * `wmic path Win32_Battery get ... /format:list` ("Key=Value") or PowerShell's `Format-List`
 * ("Key : Value"): one record per battery. Keys are WMI property names, never localized.
 */
export function parseWmiList(text: string): Record<string, string>[] {
  const records: Record<string, string>[] = [];
  let rec: Record<string, string> = {};
  const flush = () => {
    if (Object.keys(rec).length > 0) records.push(rec);
    rec = {};
  };
  for (const line of lines(text)) {
    const m = /^([A-Za-z][A-Za-z0-9_]*)\s*(?:=|\s:\s?)(.*)$/.exec(line.trimEnd());
    if (!m?.[1]) {
      if (!line.trim()) flush();
      continue;
    }
    if (m[1] in rec) flush();
    rec[m[1]] = (m[2] ?? '').trim();
  }
  flush();
  return records;
}

/** Win32_Battery.BatteryStatus: 1 discharging, 2 on AC, 3 fully charged, 6-9 charging, 11 partially charged. */
const ON_AC = new Set([2, 3, 6, 7, 8, 9]);
const CHARGING = new Set([6, 7, 8, 9]);
/** EstimatedRunTime is 71582788 (0x4444444) while on AC: "unknown". */
const MAX_RUNTIME_MIN = 7 * 24 * 60;

const int = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined);

/** Win32_Battery records (one per battery) to one reading. Undefined without a battery. */
export function batteryFromWin32(records: Record<string, string>[]): BatteryReading | undefined {
  const batteries = records.filter((r) => r.BatteryStatus !== undefined || r.EstimatedChargeRemaining !== undefined);
  if (batteries.length === 0) return undefined;
  const r: BatteryReading = {};
  const percents = batteries.map((b) => int(b.EstimatedChargeRemaining)).filter((p): p is number => p !== undefined);
  if (percents.length > 0) r.percent = percents.reduce((a, p) => a + p, 0) / percents.length;
  const statuses = batteries.map((b) => int(b.BatteryStatus)).filter((s): s is number => s !== undefined);
  if (statuses.length > 0) {
    r.charging = statuses.some((s) => CHARGING.has(s));
    r.plugged = statuses.some((s) => ON_AC.has(s));
  }
  const design = batteries.reduce((a, b) => a + (int(b.DesignCapacity) ?? NaN), 0);
  const full = batteries.reduce((a, b) => a + (int(b.FullChargeCapacity) ?? NaN), 0);
  const health = ratioPercent(Number.isNaN(full) ? undefined : full, Number.isNaN(design) ? undefined : design);
  if (health !== undefined) r.healthPercent = health;
  const runtime = int(batteries[0]?.EstimatedRunTime);
  if (r.plugged === false && runtime !== undefined && runtime < MAX_RUNTIME_MIN) r.timeRemainingMin = runtime;
  return r;
}

const xml = new XMLParser({ ignoreAttributes: true, parseTagValue: false, isArray: (name) => name === 'Battery' });

/** `powercfg /batteryreport /xml`: design and full-charge capacity (mWh) and cycle count per battery. */
export function parseBatteryReport(text: string): Pick<BatteryReading, 'healthPercent' | 'cycleCount'> | undefined {
  const doc = xml.parse(text) as { BatteryReport?: { Batteries?: { Battery?: Record<string, unknown>[] } } };
  const packs = doc.BatteryReport?.Batteries?.Battery ?? [];
  if (packs.length === 0) return undefined;
  const num = (v: unknown) => (typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : undefined);
  let design = 0;
  let full = 0;
  const cycles: number[] = [];
  for (const p of packs) {
    design += num(p.DesignCapacity) ?? NaN;
    full += num(p.FullChargeCapacity) ?? NaN;
    const c = num(p.CycleCount);
    if (c !== undefined) cycles.push(c);
  }
  const out: Pick<BatteryReading, 'healthPercent' | 'cycleCount'> = {};
  const health = Number.isNaN(design) || Number.isNaN(full) ? undefined : ratioPercent(full, design);
  if (health !== undefined) out.healthPercent = health;
  if (cycles.length > 0) out.cycleCount = Math.max(...cycles);
  return out;
}
