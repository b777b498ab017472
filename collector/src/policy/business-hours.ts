import { z } from 'zod';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'expected HH:MM (24-hour)');

export const businessHoursSchema = z
  .object({
    days: z.array(z.enum(DAYS)).min(1),
    from: hhmm,
    to: hhmm,
  })
  .strict()
  .refine((w) => w.from < w.to, { message: 'from must be before to', path: ['to'] });

export type BusinessHours = z.infer<typeof businessHoursSchema>;

/** IANA time zone names only: `Asia/Jakarta`, `Europe/Paris`, `UTC`. */
export const timeZoneSchema = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'unknown time zone (expected an IANA name such as Asia/Jakarta)' },
);

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Weekday and HH:MM of an instant in a time zone. */
function localTime(at: number, timeZone: string): { day: (typeof DAYS)[number]; time: string } {
  let fmt = formatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, fmt);
  }
  const parts = Object.fromEntries(fmt.formatToParts(at).map((p) => [p.type, p.value]));
  const day = String(parts.weekday).toLowerCase().slice(0, 3) as (typeof DAYS)[number];
  return { day, time: `${parts.hour}:${parts.minute}` };
}

/** Is `at` inside any of the windows, in the site's time zone? No windows means always. */
export function inBusinessHours(at: number, timeZone: string, windows: readonly BusinessHours[]): boolean {
  if (windows.length === 0) return true;
  const { day, time } = localTime(at, timeZone);
  return windows.some((w) => w.days.includes(day) && time >= w.from && time < w.to);
}
