import type { Metric } from '@siaga/shared';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { flag, probeConfig, round } from './base.js';
import { isHostOrIp, targetNameSchema, uniqueNames } from './net-config.js';
import { httpCheck, type HttpCheckResponse } from './http.request.js';
import type { Probe } from './types.js';

const urlSchema = z.string().max(2048).refine((value) => {
  try {
    const u = new URL(value);
    return (u.protocol === 'http:' || u.protocol === 'https:') && isHostOrIp(u.hostname.replace(/^\[|\]$/g, ''));
  } catch {
    return false;
  }
}, 'expected an http:// or https:// URL with a valid host');

/** 200, or an inclusive range "200-399". */
const statusSchema = z.union([
  z.number().int().min(100).max(599),
  z
    .string()
    .regex(/^[1-5]\d\d-[1-5]\d\d$/, 'expected a status (200) or a range ("200-399")')
    .refine((r) => Number(r.slice(0, 3)) <= Number(r.slice(4)), 'expected the lower status first'),
]);

const bodyMatchSchema = z.union([
  z.string().min(1).max(256),
  z.object({ regex: z.string().min(1).max(256), ignoreCase: z.boolean().default(false) }).strict().refine((m) => {
    try {
      new RegExp(m.regex);
      return true;
    } catch {
      return false;
    }
  }, 'expected a valid regular expression'),
]);

const appSchema = z
  .object({
    name: targetNameSchema,
    url: urlSchema,
    method: z.enum(['GET', 'HEAD']).default('GET'),
    expectStatus: z.array(statusSchema).min(1).max(16).default(['200-399']),
    /** Text (or {regex}; ^ and $ match at line ends) the first `maxBodyBytes` of the body must contain. */
    bodyMatch: bodyMatchSchema.optional(),
    timeoutMs: z.number().int().min(100).max(60_000).default(5_000),
    /** PEM file with the CA that signed an internal server's certificate (added to the built-in roots). */
    caFile: z.string().min(1).max(1024).optional(),
    /** Accept any certificate (self-signed lab servers); days left are still reported. */
    insecureSkipVerify: z.boolean().default(false),
  })
  .strict()
  .refine((a) => !(a.method === 'HEAD' && a.bodyMatch), { path: ['bodyMatch'], message: 'needs method GET (HEAD has no body)' });

const configSchema = probeConfig(true, 15_000, {
  apps: z.array(appSchema).max(32).default([]).superRefine(uniqueNames),
  maxBodyBytes: z.number().int().min(1024).max(1024 * 1024).default(64 * 1024),
}).superRefine((c, ctx) => {
  c.apps.forEach((a, i) => {
    if (a.timeoutMs >= c.timeoutMs) ctx.addIssue({ code: 'custom', path: ['apps', i, 'timeoutMs'], message: `must be less than the probe's timeoutMs (${c.timeoutMs})` });
  });
});
type HttpConfig = typeof configSchema._output;
type App = HttpConfig['apps'][number];

export function statusExpected(status: number, expected: App['expectStatus']): boolean {
  return expected.some((e) => {
    if (typeof e === 'number') return status === e;
    const [lo, hi] = e.split('-').map(Number) as [number, number];
    return status >= lo && status <= hi;
  });
}

function bodyMatches(body: string, match: NonNullable<App['bodyMatch']>): boolean {
  return typeof match === 'string' ? body.includes(match) : new RegExp(match.regex, match.ignoreCase ? 'im' : 'm').test(body);
}

const describeMatch = (m: NonNullable<App['bodyMatch']>): string => (typeof m === 'string' ? `contain "${m}"` : `match /${m.regex}/${m.ignoreCase ? 'i' : ''}`);

/** Result codes of `http_response` (Telegraf-like): 0 ok, 1 timeout, 2 connection failed, 3 bad status, 4 body mismatch, 5 TLS error. */
export function httpMetric(app: App, r: HttpCheckResponse): Metric {
  const fields: Metric['fields'] = { response_time_ms: round(r.elapsedMs, 3) };
  if (r.certDaysLeft !== undefined) fields.cert_days_left = round(r.certDaysLeft, 2);
  let code = 0;
  let error: string | undefined;
  if (r.failure) {
    code = { timeout: 1, connect: 2, dns: 2, tls: 5 }[r.failure.kind];
    error = r.failure.message;
  } else if (r.status !== undefined) {
    fields.http_response_code = r.status;
    if (app.bodyMatch) fields.response_string_match = flag(r.body !== undefined && bodyMatches(r.body, app.bodyMatch));
    if (!statusExpected(r.status, app.expectStatus)) {
      code = 3;
      error = `status ${r.status} (expected ${app.expectStatus.join(', ')})`;
    } else if (app.bodyMatch && fields.response_string_match === 0) {
      code = 4;
      error = `body does not ${describeMatch(app.bodyMatch)}`;
    }
  }
  fields.result_code = code;
  fields.ok = flag(code === 0);
  if (error) fields.error = error;
  return { m: 'http_response', tags: { app: app.name, method: app.method }, fields };
}

/**
 * Is each configured application answering? Status, latency, optional body match and, for
 * https, the certificate's days left. The URL is never a tag (it may carry a query string); the
 * configured name is. Does nothing until applications are configured.
 */
export const httpProbe: Probe<HttpConfig> = {
  name: 'http',
  description: 'Configured web applications: status, response time, content, certificate expiry',
  measurements: ['http_response'],
  // A request to a shared server: a fleet checking every second would be a load test.
  minWatchIntervalMs: 5_000,
  defaultEnabled: true,
  configSchema,
  async collect(ctx, config) {
    return Promise.all(
      config.apps.map(async (app) => {
        let ca: string | undefined;
        if (app.caFile) {
          try {
            ca = await readFile(app.caFile, 'utf8');
          } catch (err) {
            return httpMetric(app, { elapsedMs: 0, failure: { kind: 'tls', message: `TLS: CA file ${app.caFile} unreadable (${(err as NodeJS.ErrnoException).code ?? 'error'})` } });
          }
        }
        const r = await httpCheck({
          url: new URL(app.url),
          method: app.method,
          timeoutMs: app.timeoutMs,
          maxBodyBytes: config.maxBodyBytes,
          insecureSkipVerify: app.insecureSkipVerify,
          signal: ctx.signal,
          ...(ca ? { ca } : {}),
        });
        return httpMetric(app, r);
      }),
    );
  },
};
