import { describe, expect, it } from 'vitest';
import { businessIntervals, merge, overlapMs, totalMs } from './business-time.js';
import { describeRange, localParts, offsetMs, zonedToUtc } from './zoned.js';

const H = 3_600_000;

describe('zoned time', () => {
  it('finds the offset and converts wall time both ways, across daylight-saving changes', () => {
    expect(offsetMs(Date.UTC(2026, 5, 1), 'Asia/Jakarta')).toBe(7 * H);
    expect(zonedToUtc(2026, 11, 2, 8, 0, 'Asia/Jakarta')).toBe(Date.UTC(2026, 10, 2, 1, 0));
    // Berlin: summer time ends 25 Oct 2026 03:00 → 02:00; 02:30 happens twice, the first is taken.
    expect(zonedToUtc(2026, 10, 25, 2, 30, 'Europe/Berlin')).toBe(Date.UTC(2026, 9, 25, 0, 30));
    expect(zonedToUtc(2026, 10, 26, 8, 0, 'Europe/Berlin')).toBe(Date.UTC(2026, 9, 26, 7, 0));
    expect(zonedToUtc(2026, 10, 23, 8, 0, 'Europe/Berlin')).toBe(Date.UTC(2026, 9, 23, 6, 0));
    // Spring forward 29 Mar 2026 02:00 → 03:00: 02:30 does not exist and lands after the gap.
    expect(zonedToUtc(2026, 3, 29, 2, 30, 'Europe/Berlin')).toBe(Date.UTC(2026, 2, 29, 1, 30));
    expect(zonedToUtc(2026, 11, 2, 24, 0, 'UTC')).toBe(Date.UTC(2026, 10, 3));
    const p = localParts(Date.UTC(2026, 10, 2, 1, 0), 'Asia/Jakarta');
    expect(p).toMatchObject({ year: 2026, month: 11, day: 2, hour: 8, minute: 0, weekday: 1 });
  });

  it('describes a range the way people write it', () => {
    const tz = 'Asia/Jakarta';
    expect(describeRange(zonedToUtc(2026, 11, 1, 0, 0, tz), zonedToUtc(2026, 12, 1, 0, 0, tz), tz)).toBe('1–30 November 2026');
    expect(describeRange(zonedToUtc(2026, 10, 28, 0, 0, tz), zonedToUtc(2026, 11, 4, 0, 0, tz), tz)).toBe('28 October – 3 November 2026');
    expect(describeRange(zonedToUtc(2026, 12, 30, 0, 0, tz), zonedToUtc(2027, 1, 3, 0, 0, tz), tz)).toBe('30 December 2026 – 2 January 2027');
  });
});

describe('business intervals', () => {
  const week = { days: ['mon', 'tue', 'wed', 'thu', 'fri'] as Array<'mon' | 'tue' | 'wed' | 'thu' | 'fri'>, from: '08:00', to: '17:00' };

  it('lists weekday windows in the site time zone and clips them to the range', () => {
    const tz = 'Asia/Jakarta';
    const from = zonedToUtc(2026, 11, 2, 12, 0, tz); // Monday noon
    const to = zonedToUtc(2026, 11, 9, 0, 0, tz); // next Monday 00:00
    const iv = businessIntervals(from, to, tz, [week]);
    expect(iv).toHaveLength(5);
    expect(iv[0]).toEqual([from, zonedToUtc(2026, 11, 2, 17, 0, tz)]);
    expect(totalMs(iv)).toBe(5 * H + 4 * 9 * H);
  });

  it('keeps windows at wall-clock hours across a daylight-saving change', () => {
    const tz = 'Europe/Berlin';
    const iv = businessIntervals(zonedToUtc(2026, 10, 19, 0, 0, tz), zonedToUtc(2026, 11, 2, 0, 0, tz), tz, [week]);
    expect(iv).toHaveLength(10);
    expect(totalMs(iv)).toBe(10 * 9 * H);
    expect(iv[0]).toEqual([Date.UTC(2026, 9, 19, 6), Date.UTC(2026, 9, 19, 15)]);
    expect(iv[5]).toEqual([Date.UTC(2026, 9, 26, 7), Date.UTC(2026, 9, 26, 16)]);
  });

  it('counts every hour without windows, joins overlapping windows and measures overlaps', () => {
    expect(businessIntervals(0, 10, 'UTC', [])).toEqual([[0, 10]]);
    expect(merge([[5, 8], [0, 3], [2, 6], [9, 9]])).toEqual([[0, 8]]);
    expect(overlapMs(2, 12, [[0, 3], [5, 6], [11, 20]])).toBe(1 + 1 + 1);
  });
});
