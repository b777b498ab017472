/** Calendar arithmetic in an IANA time zone with nothing but Intl. */

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday. */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', weekday: 'short', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, f);
  }
  return f;
}

export function localParts(at: number, timeZone: string): LocalParts {
  const p = Object.fromEntries(formatter(timeZone).formatToParts(at).map((x) => [x.type, x.value]));
  return { year: Number(p.year), month: Number(p.month), day: Number(p.day), hour: Number(p.hour), minute: Number(p.minute), second: Number(p.second), weekday: WEEKDAYS[String(p.weekday)] ?? 0 };
}

/** Local wall time minus UTC at an instant, in ms (Asia/Jakarta: +7 h). */
export function offsetMs(at: number, timeZone: string): number {
  const whole = Math.floor(at / 1000) * 1000;
  const p = localParts(whole, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - whole;
}

/**
 * The instant a local wall time names. Hours may be 24 (end of day). In a spring-forward gap
 * the time does not exist and the result falls just after it; in a fall-back overlap the first
 * occurrence is taken.
 */
export function zonedToUtc(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  // The offsets in force a day before and after: around a change, one of them applies.
  const before = offsetMs(wall - 86_400_000, timeZone);
  const after = offsetMs(wall + 86_400_000, timeZone);
  const valid = [wall - before, wall - after].filter((at) => at + offsetMs(at, timeZone) === wall);
  return valid.length > 0 ? Math.min(...valid) : wall - before;
}

/** A calendar date (no time zone): days are counted with UTC arithmetic. */
export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

export const addDays = (d: CivilDate, n: number): CivilDate => {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + n));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
};

export const weekdayOf = (d: CivilDate): number => new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();

export const startOfDay = (d: CivilDate, timeZone: string): number => zonedToUtc(d.year, d.month, d.day, 0, 0, timeZone);

export const civilDate = (at: number, timeZone: string): CivilDate => {
  const p = localParts(at, timeZone);
  return { year: p.year, month: p.month, day: p.day };
};

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "1–30 November 2026", "28 October – 3 November 2026", "30 December 2026 – 2 January 2027" for [from, to). */
export function describeRange(from: number, to: number, timeZone: string): string {
  const a = civilDate(from, timeZone);
  const b = civilDate(Math.max(from, to - 1), timeZone);
  const month = (d: CivilDate) => MONTHS[d.month - 1] as string;
  if (a.year !== b.year) return `${a.day} ${month(a)} ${a.year} – ${b.day} ${month(b)} ${b.year}`;
  if (a.month !== b.month) return `${a.day} ${month(a)} – ${b.day} ${month(b)} ${b.year}`;
  if (a.day !== b.day) return `${a.day}–${b.day} ${month(a)} ${a.year}`;
  return `${a.day} ${month(a)} ${a.year}`;
}

/** `2026-11-30 14:05` in the zone. */
export function formatLocal(at: number, timeZone: string): string {
  const p = localParts(at, timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${two(p.month)}-${two(p.day)} ${two(p.hour)}:${two(p.minute)}`;
}
