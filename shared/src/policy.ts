import { z } from 'zod';
import { LIMITS } from './limits.js';
import { metricKey, printable } from './primitives.js';

export const comparisonSchema = z.enum(['lt', 'le', 'gt', 'ge', 'eq', 'ne']);
export type Comparison = z.infer<typeof comparisonSchema>;

export const thresholdSchema = z.object({
  op: comparisonSchema,
  value: z.union([z.number().finite(), z.string().max(256), z.boolean()]),
});
export type Threshold = z.infer<typeof thresholdSchema>;

/**
 * One rule the agent evaluates over its own metrics. The collector compiles the operator's
 * readiness policy into these, so the agent stays generic: a new kind of check is a new rule,
 * not new agent code.
 */
export const checkRuleSchema = z.object({
  name: metricKey,
  description: printable(LIMITS.maxReasonLength).default(''),
  measurement: metricKey,
  field: metricKey,
  /** Only samples whose tags equal these are considered. */
  match: z.record(metricKey, z.string().max(LIMITS.maxTagValueLength)).optional(),
  /** Tag that names the instance (`path` for disks): one result per instance. */
  instanceTag: metricKey.optional(),
  warn: thresholdSchema.optional(),
  fail: thresholdSchema.optional(),
  /** A failing condition must hold this long before it is reported as failing. */
  forSec: z.number().int().min(0).max(86_400).default(0),
  /** What to report when no sample matches (a probe that could not run). */
  missing: z.enum(['pass', 'warn', 'fail']).default('warn'),
  /**
   * Reason template. `{value}`, `{threshold}`, `{instance}`, `{description}` and any tag or
   * field of the sample (`{path}`, `{error}`) are replaced; e.g.
   * "Disk {path}: {value}% free (needs {threshold}%)".
   */
  reason: printable(LIMITS.maxReasonLength),
  /** Reason when the check passes; defaults to the description followed by the value. */
  okReason: printable(LIMITS.maxReasonLength).optional(),
  /** Multiplies the field before comparing and rendering (e.g. 1/86400 turns seconds into days). */
  scale: z.number().positive().finite().optional(),
  /** Digits kept when `{value}` is rendered. */
  digits: z.number().int().min(0).max(6).default(1),
});
export type CheckRule = z.infer<typeof checkRuleSchema>;

/** The policy the collector pushes to an agent: what to collect, how often, what to check. */
export const agentPolicySchema = z.object({
  version: printable(64).min(1),
  intervalSec: z.number().int().min(1).max(3600).default(15),
  /**
   * How often the agent re-runs the probes that checks read, to report a changed verdict at
   * once. Each probe may ask to be re-run less often than this.
   */
  watchIntervalSec: z.number().int().min(1).max(3600).default(1),
  /** Probe name → that probe's configuration (validated by the probe's own schema). */
  probes: z.record(metricKey, z.record(z.string(), z.unknown())).default({}),
  checks: z.array(checkRuleSchema).max(LIMITS.maxChecksPerReport).default([]),
});
export type AgentPolicy = z.infer<typeof agentPolicySchema>;
