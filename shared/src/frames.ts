import { z } from 'zod';
import { checkResultSchema } from './checks.js';
import { hostIdentitySchema, labelsSchema, osInfoSchema } from './identity.js';
import { hardwareSchema, softwareSchema } from './inventory.js';
import { LIMITS } from './limits.js';
import { metricSchema } from './metrics.js';
import { agentPolicySchema } from './policy.js';
import { epochMs, metricKey, printable, seqNumber } from './primitives.js';
import { updateOfferSchema } from './release.js';
import { PROTOCOL_VERSION } from './version.js';

const v = z.literal(PROTOCOL_VERSION);
const commandId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected 1-64 letters, digits, - or _');

// ---------------------------------------------------------------- agent → collector

export const helloFrameSchema = z.object({
  v,
  type: z.literal('hello'),
  agentVersion: printable(64).min(1),
  host: hostIdentitySchema,
  os: osInfoSchema,
  labels: labelsSchema.default({ tags: [] }),
  /** Highest seq the agent knows the collector acknowledged. */
  lastAckedSeq: seqNumber,
  /** Agent clock at send time, for clock-skew detection. */
  sentAt: epochMs,
  /** Version of the policy the agent currently runs, if any. */
  policyVersion: printable(64).optional(),
});

export const reportFrameSchema = z.object({
  v,
  type: z.literal('report'),
  /** Per-host monotonic sequence number, persisted by the agent. */
  seq: seqNumber.min(1),
  /** Agent clock when the metrics were collected: the InfluxDB timestamp. */
  collectedAt: epochMs,
  /** Why this report was sent now. `replay` marks backlog sent after a reconnect. */
  trigger: z.enum(['interval', 'change', 'recheck', 'replay']).default('interval'),
  policyVersion: printable(64).optional(),
  metrics: z.array(metricSchema).max(LIMITS.maxMetricsPerReport),
  checks: z.array(checkResultSchema).max(LIMITS.maxChecksPerReport).default([]),
});

export const inventoryFrameSchema = z
  .object({
    v,
    type: z.literal('inventory'),
    collectedAt: epochMs,
    /** Content hash of the whole inventory; parts with the same hash belong together. */
    hash: z.string().regex(/^[0-9a-f]{16,64}$/),
    part: z.number().int().min(0),
    parts: z.number().int().min(1).max(LIMITS.maxInventoryParts),
    /** Present in part 0. */
    hardware: hardwareSchema.optional(),
    software: z.array(softwareSchema).max(LIMITS.maxSoftwarePerInventoryPart).default([]),
  })
  .refine((f) => f.part < f.parts, { message: 'part must be below parts', path: ['part'] });

export const goodbyeFrameSchema = z.object({
  v,
  type: z.literal('goodbye'),
  reason: z.enum(['shutdown', 'sleep', 'restart', 'update', 'uninstall']),
  sentAt: epochMs,
});

export const commandResultFrameSchema = z.object({
  v,
  type: z.literal('command_result'),
  id: commandId,
  ok: z.boolean(),
  result: z.record(z.string(), z.unknown()).optional(),
  error: printable(LIMITS.maxReasonLength).optional(),
});

/** The same error frame travels both ways. */
export const errorFrameSchema = z.object({
  v,
  type: z.literal('error'),
  code: z.string().regex(/^SIAGA_ERR_[A-Z_]+$/),
  message: z.string().max(2048),
  /** The offending field, e.g. `metrics[3].fields.usage_idle`. */
  path: z.string().max(512).optional(),
  /** What the error refers to: the frame type and, for reports, its seq. */
  ref: z.object({ type: z.string().max(32).optional(), seq: seqNumber.optional() }).optional(),
});

export const agentFrameSchema = z.discriminatedUnion('type', [
  helloFrameSchema,
  reportFrameSchema,
  inventoryFrameSchema,
  goodbyeFrameSchema,
  commandResultFrameSchema,
  errorFrameSchema,
]);

// ---------------------------------------------------------------- collector → agent

export const welcomeFrameSchema = z.object({
  v,
  type: z.literal('welcome'),
  hostId: z.uuid(),
  serverTime: epochMs,
  /** Highest seq the collector has stored for this host: the agent resumes after it. */
  ackedSeq: seqNumber,
  policy: agentPolicySchema,
  /** Hash of the inventory the collector holds for this host: the agent sends one only if its own differs. */
  inventoryHash: z.string().regex(/^[0-9a-f]{16,64}$/).optional(),
  /** The agent build this host should run, when the collector's update settings name one. Older agents ignore it. */
  update: updateOfferSchema.optional(),
});

export const ackFrameSchema = z.object({
  v,
  type: z.literal('ack'),
  /** Cumulative: every report with seq ≤ this one is stored. */
  seq: seqNumber,
});

export const policyFrameSchema = z.object({
  v,
  type: z.literal('policy'),
  policy: agentPolicySchema,
  /** As in `welcome`: sent again when the offered build changes. */
  update: updateOfferSchema.optional(),
});

/** A fixed set of diagnostics the collector may ask for. Never a shell. */
export const commandNameSchema = z.enum(['recheck', 'inventory', 'diagnostics']);

export const commandFrameSchema = z.object({
  v,
  type: z.literal('command'),
  id: commandId,
  name: commandNameSchema,
  args: z.record(metricKey, z.union([z.string().max(256), z.number(), z.boolean()])).optional(),
});

export const collectorFrameSchema = z.discriminatedUnion('type', [
  welcomeFrameSchema,
  ackFrameSchema,
  policyFrameSchema,
  commandFrameSchema,
  errorFrameSchema,
]);

export type HelloFrame = z.infer<typeof helloFrameSchema>;
export type ReportFrame = z.infer<typeof reportFrameSchema>;
export type InventoryFrame = z.infer<typeof inventoryFrameSchema>;
export type GoodbyeFrame = z.infer<typeof goodbyeFrameSchema>;
export type CommandResultFrame = z.infer<typeof commandResultFrameSchema>;
export type ErrorFrame = z.infer<typeof errorFrameSchema>;
export type AgentFrame = z.infer<typeof agentFrameSchema>;
export type WelcomeFrame = z.infer<typeof welcomeFrameSchema>;
export type AckFrame = z.infer<typeof ackFrameSchema>;
export type PolicyFrame = z.infer<typeof policyFrameSchema>;
export type CommandName = z.infer<typeof commandNameSchema>;
export type CommandFrame = z.infer<typeof commandFrameSchema>;
export type CollectorFrame = z.infer<typeof collectorFrameSchema>;

/** Frame input types: what a sender writes before defaults are applied. */
export type AgentFrameInput = z.input<typeof agentFrameSchema>;
export type CollectorFrameInput = z.input<typeof collectorFrameSchema>;

