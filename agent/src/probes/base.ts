import { z } from 'zod';

/**
 * The config schema shared by every probe: `enabled` and a timeout, plus the probe's own keys.
 * Unknown keys are refused so a typo in a policy is reported, not ignored.
 */
export function probeConfig<S extends z.ZodRawShape>(defaultEnabled: boolean, defaultTimeoutMs: number, shape: S) {
  return z
    .object({
      enabled: z.boolean().default(defaultEnabled),
      timeoutMs: z.number().int().min(100).max(120_000).default(defaultTimeoutMs),
      /**
       * Least time between two runs while a check watches this probe, instead of the probe's own
       * default (a policy lowers it for a local application, raises it for a shared server).
       */
      watchEveryMs: z.number().int().min(1_000).max(86_400_000).optional(),
      ...shape,
    })
    .strict();
}

/** Converts booleans to the 0/1 floats stored in InfluxDB (numbers are always floats there). */
export const flag = (value: boolean): number => (value ? 1 : 0);

/** Rounds to a few decimals so reports stay small and stable. */
export const round = (value: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};
