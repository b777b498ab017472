import { z } from 'zod';
import { LIMITS } from './limits.js';
import { metricKey, printable } from './primitives.js';

export const fieldValueSchema = z.union([
  z.number().finite(),
  z.boolean(),
  printable(LIMITS.maxStringFieldLength),
]);
export type FieldValue = z.infer<typeof fieldValueSchema>;

/**
 * One measurement sample, shaped like an InfluxDB point without its timestamp (the report's
 * `collectedAt` is the timestamp). Host tags are added by the collector, never by the agent.
 * Tags must come from bounded sets (mount, interface, probe, check name).
 */
export const metricSchema = z.object({
  m: metricKey,
  tags: z
    .record(metricKey, printable(LIMITS.maxTagValueLength).min(1))
    .refine((t) => Object.keys(t).length <= LIMITS.maxTagsPerMetric, {
      message: `at most ${LIMITS.maxTagsPerMetric} tags`,
    })
    .optional(),
  fields: z
    .record(metricKey, fieldValueSchema)
    .refine((f) => {
      const n = Object.keys(f).length;
      return n >= 1 && n <= LIMITS.maxFieldsPerMetric;
    }, { message: `expected 1 to ${LIMITS.maxFieldsPerMetric} fields` }),
});
export type Metric = z.infer<typeof metricSchema>;
