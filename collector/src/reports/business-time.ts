import type { BusinessHours } from '../policy/business-hours.js';
import { addDays, civilDate, weekdayOf, zonedToUtc } from './zoned.js';

export type Interval = readonly [start: number, end: number];

const DAY_INDEX: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

/** Sorts and joins touching or overlapping intervals. */
export function merge(intervals: Interval[]): Interval[] {
  const sorted = intervals.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/**
 * The business-hours parts of [from, to) for a site, as UTC intervals. Windows are local wall
 * times, so a day is shorter or longer around a daylight-saving change only if the window spans
 * the change. No windows means every hour counts.
 */
export function businessIntervals(from: number, to: number, timeZone: string, windows: readonly BusinessHours[]): Interval[] {
  if (to <= from) return [];
  if (windows.length === 0) return [[from, to]];
  const out: Interval[] = [];
  const last = addDays(civilDate(to, timeZone), 1);
  for (let d = addDays(civilDate(from, timeZone), -1); ; d = addDays(d, 1)) {
    const weekday = weekdayOf(d);
    for (const w of windows) {
      if (!w.days.some((day) => DAY_INDEX[day] === weekday)) continue;
      const [fh, fm] = w.from.split(':').map(Number) as [number, number];
      const [th, tm] = w.to.split(':').map(Number) as [number, number];
      const start = Math.max(from, zonedToUtc(d.year, d.month, d.day, fh, fm, timeZone));
      const end = Math.min(to, zonedToUtc(d.year, d.month, d.day, th, tm, timeZone));
      if (end > start) out.push([start, end]);
    }
    if (d.year === last.year && d.month === last.month && d.day === last.day) break;
  }
  return merge(out);
}

/** Total length of the overlap between [start, end) and sorted, disjoint intervals. */
export function overlapMs(start: number, end: number, intervals: readonly Interval[]): number {
  let total = 0;
  for (const [a, b] of intervals) {
    if (a >= end) break;
    if (b <= start) continue;
    total += Math.min(b, end) - Math.max(a, start);
  }
  return total;
}

export const totalMs = (intervals: readonly Interval[]): number => intervals.reduce((sum, [a, b]) => sum + (b - a), 0);
