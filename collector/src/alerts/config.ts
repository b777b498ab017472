import { labelName } from '@siaga/shared';
import { z } from 'zod';
import { durationSec } from '../policy/duration.js';
import { RULE_NAMES } from './types.js';

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
const severity = z.enum(SEVERITIES);

/** What every rule accepts. */
const ruleShape = {
  enabled: z.boolean().default(true),
  /** The condition must hold this long (pending) before the alert fires. */
  for: durationSec.default(0),
  severity: severity.default('warning'),
  /** Consecutive healthy evaluations before a firing alert resolves; defaults to `alerts.clearAfter`. */
  clearAfter: z.number().int().min(1).max(100).optional(),
};

const checkOverride = z
  .object({ enabled: z.boolean().optional(), for: durationSec.optional(), severity: severity.optional() })
  .strict();

const rulesSchema = z
  .object({
    /** One alert per failing check of a host; `checks` overrides per check name (`disk_space`). */
    host_not_ready: z
      .object({ ...ruleShape, for: durationSec.default(60), checks: z.record(z.string(), checkOverride).default({}) })
      .strict()
      .prefault({}),
    /** No live report past the freshness limit, during the site's business hours, without a goodbye. */
    host_offline: z.object({ ...ruleShape, severity: severity.default('critical') }).strict().prefault({}),
    /** |collector clock − agent clock| at hello above `threshold`. */
    clock_skew: z
      .object({ ...ruleShape, clearAfter: ruleShape.clearAfter.default(1), threshold: durationSec.pipe(z.number().int().min(1)).default(120) })
      .strict()
      .prefault({}),
    /** The agent's spool dropped reports (siaga_agent_spool.dropped grew) or runs degraded (memory only). */
    agent_buffer: z.object(ruleShape).strict().prefault({}),
    /** The collector cannot write to InfluxDB. */
    influx_write: z.object({ ...ruleShape, for: durationSec.default(60), severity: severity.default('critical') }).strict().prefault({}),
    /** More than `percent` % of a site's hosts (and at least `minHosts`) went offline within `window`. */
    site_outage: z
      .object({
        ...ruleShape,
        severity: severity.default('critical'),
        percent: z.number().min(0).max(100).default(20),
        window: durationSec.pipe(z.number().int().min(1)).default(60),
        minHosts: z.number().int().min(1).default(3),
      })
      .strict()
      .prefault({}),
  })
  .strict();

const tierSchema = z
  .object({
    /** Shown to receivers as the notification's `receiver`, e.g. `L1 helpdesk`. */
    name: z.string().min(1).max(64),
    /** Names from `notify.receivers`. */
    receivers: z.array(z.string().min(1)).min(1),
    /** Paged once the group has been unacknowledged this long (0 for the first tier). */
    after: durationSec.default(0),
  })
  .strict();

const policySchema = z
  .object({ tiers: z.array(tierSchema).min(1).max(10) })
  .strict()
  .superRefine((p, ctx) => {
    p.tiers.forEach((t, i) => {
      const prev = p.tiers[i - 1];
      if (prev && t.after <= prev.after) ctx.addIssue({ code: 'custom', path: ['tiers', i, 'after'], message: `must be later than tier ${prev.name} (${prev.after} s)` });
    });
  });

const routeSchema = z
  .object({
    /** Every given label must equal; omitted means any. */
    match: z.object({ site: labelName.optional(), group: labelName.optional(), severity: severity.optional(), alertname: z.enum(RULE_NAMES).optional() }).strict().default({}),
    policy: z.string().min(1),
  })
  .strict();

/** Without configuration alerts are kept (the repair record) but nobody is paged. */
const DEFAULT_POLICIES = { default: { tiers: [{ name: 'L1', receivers: [] as string[], after: 0 }] } };

export const alertsConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    rules: rulesSchema.prefault({}),
    /** Consecutive healthy evaluations before a firing alert resolves (hysteresis). */
    clearAfter: z.number().int().min(1).max(100).default(2),
    /** Percent state change over the last `window` evaluations: above `enterPercent` flapping, below `leavePercent` settled. */
    flap: z
      .object({ window: z.number().int().min(5).max(100).default(21), enterPercent: z.number().min(0).max(100).default(20), leavePercent: z.number().min(0).max(100).default(5) })
      .strict()
      .refine((f) => f.leavePercent < f.enterPercent, { message: 'must be below enterPercent', path: ['leavePercent'] })
      .prefault({}),
    /** Alertmanager's timings: first notification after `groupWait`, changes after `groupInterval`, unchanged resent after `repeatInterval`. */
    grouping: z
      .object({ groupWait: durationSec.default(30), groupInterval: durationSec.pipe(z.number().int().min(1)).default(300), repeatInterval: durationSec.pipe(z.number().int().min(1)).default(14_400), sendResolved: z.boolean().default(true) })
      .strict()
      .prefault({}),
    /** After a collector start no offline alert fires for a host's freshness limit plus this long. */
    startupGrace: durationSec.default(15),
    escalation: z
      .object({
        policies: z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'expected letters, digits, _ . -'), policySchema).default(DEFAULT_POLICIES),
        /** First match wins; otherwise `default`. */
        routes: z.array(routeSchema).max(100).default([]),
        default: z.string().min(1).default('default'),
      })
      .strict()
      .superRefine((e, ctx) => {
        if (!(e.default in e.policies)) ctx.addIssue({ code: 'custom', path: ['default'], message: `no escalation policy named ${e.default}` });
        e.routes.forEach((r, i) => {
          if (!(r.policy in e.policies)) ctx.addIssue({ code: 'custom', path: ['routes', i, 'policy'], message: `no escalation policy named ${r.policy}` });
        });
      })
      .prefault({}),
    /** Acknowledge links in notifications stay valid this long. */
    ackLinkTtl: durationSec.pipe(z.number().int().min(60)).default(7 * 86_400),
  })
  .strict();

export type AlertsConfig = z.infer<typeof alertsConfigSchema>;
export type RulesConfig = AlertsConfig['rules'];
export type EscalationPolicy = AlertsConfig['escalation']['policies'][string];
export type Tier = EscalationPolicy['tiers'][number];
export type Severity = (typeof SEVERITIES)[number];

interface IssueSink {
  addIssue(issue: { code: 'custom'; path: Array<string | number>; message: string }): void;
}

/**
 * Every receiver an escalation tier names must exist in `notify.receivers`; reported on the exact
 * field (`alerts.escalation.policies.default.tiers[1].receivers[0]`).
 */
export function checkTierReceivers(alerts: AlertsConfig, receiverNames: readonly string[], ctx: IssueSink, prefix: Array<string | number> = ['alerts']): void {
  const known = new Set(receiverNames);
  for (const [name, policy] of Object.entries(alerts.escalation.policies)) {
    policy.tiers.forEach((tier, i) => {
      const path = [...prefix, 'escalation', 'policies', name, 'tiers', i, 'receivers'];
      tier.receivers.forEach((r, j) => {
        if (!known.has(r)) ctx.addIssue({ code: 'custom', path: [...path, j], message: `unknown receiver ${r} (notify.receivers has: ${receiverNames.join(', ') || 'none'})` });
      });
    });
  }
}
