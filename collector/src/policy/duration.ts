import { z } from 'zod';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** A duration written as seconds (`90`) or with a unit (`90s`, `5m`, `2h`, `1d`), as seconds. */
export const durationSec = z.union([
  z.number().int().min(0),
  z
    .string()
    .regex(/^\d+(\.\d+)?\s*[smhd]$/, 'expected a duration such as 30s, 5m, 2h or 1d')
    .transform((text) => {
      const unit = text.trim().slice(-1);
      return Math.round(Number.parseFloat(text) * (UNIT_SECONDS[unit] as number));
    }),
]);
