import { describeIssues, ErrorCode, fieldIssues, SiagaError } from '@siaga/shared';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { FORMATS } from './types.js';

/** Headers the notifier sets itself; a receiver's `headers` may not override them. */
const RESERVED_HEADERS = new Set(['host', 'content-length', 'content-type', 'transfer-encoding', 'connection', 'webhook-id', 'webhook-timestamp', 'webhook-signature']);

/** Standard Webhooks secrets: `whsec_` + base64 of 24 to 64 random bytes. */
const secretSchema = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'expected whsec_ followed by base64')
  .refine((s) => {
    const bytes = Buffer.from(s.slice('whsec_'.length), 'base64').length;
    return bytes >= 24 && bytes <= 64;
  }, 'expected a key of 24 to 64 bytes (generate one with: echo whsec_$(openssl rand -base64 32))');

export const receiverSchema = z
  .object({
    /** Referenced by escalation tiers; appears in logs and delivery history. */
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'expected letters, digits, _ . - (at most 64)'),
    url: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }),
    format: z.enum(FORMATS).default('alertmanager'),
    /** Signs every delivery with the Standard Webhooks scheme when set. */
    secret: secretSchema.optional(),
    /** Extra request headers, e.g. an Authorization token some receivers want. */
    headers: z
      .record(z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'expected an HTTP header name'), z.string().regex(/^[^\r\n]*$/, 'expected a single-line value'))
      .optional()
      .superRefine((headers, ctx) => {
        for (const name of Object.keys(headers ?? {})) {
          if (RESERVED_HEADERS.has(name.toLowerCase())) ctx.addIssue({ code: 'custom', path: [name], message: 'set by siaga; cannot be overridden' });
        }
      }),
    /** PagerDuty Events API v2 integration (routing) key; required for format pagerduty. */
    routingKey: z.string().min(1).max(64).optional(),
    /** One attempt, from connect to the response status, may take this long. */
    timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
    /** Alerts per notification (the rest are counted in `truncatedAlerts`); 0 sends all. */
    maxAlerts: z.number().int().min(0).max(10_000).default(0),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.format === 'pagerduty' && r.routingKey === undefined) {
      ctx.addIssue({ code: 'custom', path: ['routingKey'], message: 'required when format is pagerduty' });
    }
  });

const networkSchema = z.string().refine((s) => ipaddr.isValidCIDR(s) || ipaddr.isValid(s), 'expected an IP address or CIDR range, e.g. 10.20.0.0/16');

const retrySchema = z
  .object({
    /** First retry waits about this long; each further retry doubles it (with jitter). */
    baseDelayMs: z.number().int().min(10).max(3_600_000).default(1_000),
    /** Longest wait between two attempts (a receiver's Retry-After may ask for longer). */
    maxDelayMs: z.number().int().min(10).max(86_400_000).default(300_000),
    /** A delivery fails after this many attempts … */
    maxAttempts: z.number().int().min(1).max(1_000).default(30),
    /** … or once it is this old, whichever comes first. */
    maxAgeMs: z.number().int().min(1_000).max(7 * 86_400_000).default(86_400_000),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.maxDelayMs < r.baseDelayMs) ctx.addIssue({ code: 'custom', path: ['maxDelayMs'], message: 'must be at least baseDelayMs' });
  });

export const notifyConfigSchema = z
  .object({
    receivers: z.array(receiverSchema).default([]),
    /**
     * Destinations in loopback, private, link-local, CGNAT, multicast and other special ranges
     * are refused unless listed here (CIDR or single address).
     */
    allowNetworks: z.array(networkSchema).default([]),
    /** Deliveries in flight at once. */
    concurrency: z.number().int().min(1).max(64).default(4),
    retry: retrySchema.prefault({}),
    /** Finished deliveries (and their attempts) are kept this long for the board and repair records. */
    historyDays: z.number().int().min(1).max(3_650).default(30),
  })
  .strict()
  .superRefine((n, ctx) => {
    const seen = new Set<string>();
    n.receivers.forEach((r, i) => {
      if (seen.has(r.name)) ctx.addIssue({ code: 'custom', path: ['receivers', i, 'name'], message: `duplicate receiver name ${r.name}` });
      seen.add(r.name);
    });
  });

export type ReceiverConfig = z.infer<typeof receiverSchema>;
export type NotifyConfig = z.infer<typeof notifyConfigSchema>;
export type RetryConfig = NotifyConfig['retry'];

/** Validates the `notify` section; errors name the exact field (`notify.receivers[0].url: …`). */
export function parseNotifyConfig(raw: unknown, prefix = 'notify'): NotifyConfig {
  const result = notifyConfigSchema.safeParse(raw ?? {});
  if (result.success) return result.data;
  const issues = fieldIssues(result.error);
  const first = issues[0]?.path ?? '';
  throw new SiagaError(ErrorCode.invalidConfig, `invalid config: ${describeIssues(issues, prefix)}`, { path: first ? `${prefix}.${first}` : prefix });
}
