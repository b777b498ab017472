import type { Metric } from '@siaga/shared';
import { flag, round } from './base.js';

/** The `battery` measurement's facts; any of them may be unknown on a given machine. */
export interface BatteryReading {
  percent?: number;
  charging?: boolean;
  plugged?: boolean;
  /** Full-charge capacity divided by design capacity, in percent. */
  healthPercent?: number;
  cycleCount?: number;
  /** Minutes of runtime left; only while running on battery. */
  timeRemainingMin?: number;
}

export const ratioPercent = (part: number | undefined, whole: number | undefined): number | undefined =>
  part !== undefined && whole !== undefined && whole > 0 ? round((part / whole) * 100, 1) : undefined;

export function batteryMetric(r: BatteryReading): Metric | undefined {
  const fields: Metric['fields'] = {};
  if (r.percent !== undefined) fields.percent = round(r.percent, 1);
  if (r.charging !== undefined) fields.charging = flag(r.charging);
  if (r.plugged !== undefined) fields.plugged = flag(r.plugged);
  if (r.healthPercent !== undefined) fields.health_percent = round(r.healthPercent, 1);
  if (r.cycleCount !== undefined) fields.cycle_count = r.cycleCount;
  if (r.timeRemainingMin !== undefined) fields.time_remaining_min = Math.round(r.timeRemainingMin);
  return Object.keys(fields).length > 0 ? { m: 'battery', fields } : undefined;
}
