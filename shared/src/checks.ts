import { z } from 'zod';
import { LIMITS } from './limits.js';
import { epochMs, metricKey, printable } from './primitives.js';

export const checkStatusSchema = z.enum(['pass', 'warn', 'fail']);
export type CheckStatus = z.infer<typeof checkStatusSchema>;

/** The outcome of one policy check on the agent, with a reason a helpdesk can act on. */
export const checkResultSchema = z.object({
  /** The policy check's name, e.g. `disk_space`. */
  name: metricKey,
  /** Which instance of the check when it applies per mount, interface, application... */
  instance: printable(LIMITS.maxTagValueLength).min(1).optional(),
  status: checkStatusSchema,
  /** Human reason: "Disk /: 3% free (needs 10%)". */
  reason: printable(LIMITS.maxReasonLength),
  observed: z.union([z.number().finite(), z.string().max(256), z.boolean()]).optional(),
  threshold: z.union([z.number().finite(), z.string().max(256), z.boolean()]).optional(),
  /** When the check entered its current status (agent clock). */
  since: epochMs.optional(),
});
export type CheckResult = z.infer<typeof checkResultSchema>;
