import { z } from 'zod';
import { durationSec } from '../duration.js';
import { commonShape, itemName, levels, rule, thresholds } from './common.js';
import type { CheckKind } from './types.js';

const app = z
  .object({
    name: itemName,
    /** An HTTP(S) health URL… */
    url: z.url({ protocol: /^https?$/ }).optional(),
    /** …or a TCP service. */
    host: z.string().min(1).max(253).optional(),
    port: z.number().int().min(1).max(65_535).optional(),
    method: z.enum(['GET', 'HEAD']).optional(),
    expectStatus: z.array(z.union([z.number().int(), z.string()])).min(1).max(16).optional(),
    bodyMatch: z.union([z.string().min(1).max(256), z.object({ regex: z.string().min(1).max(256), ignoreCase: z.boolean().optional() }).strict()]).optional(),
    timeoutMs: z.number().int().min(100).max(60_000).optional(),
    caFile: z.string().min(1).max(1024).optional(),
    insecureSkipVerify: z.boolean().optional(),
    maxLatencyMs: levels.optional(),
    /** Days before the TLS certificate expires. */
    minCertDays: levels.optional(),
  })
  .strict()
  .refine((a) => (a.url ? a.host === undefined && a.port === undefined : a.host !== undefined && a.port !== undefined), {
    message: 'give either url (HTTP) or host and port (TCP)',
  });
type App = z.infer<typeof app>;

const schema = z
  .object({
    ...commonShape,
    items: z.array(app).max(32).optional(),
    /**
     * How often agents re-check the applications between reports (default 5 s: a whole fleet
     * asks the same servers). Lower it for local or lightly used services to notice an outage sooner.
     */
    watch: durationSec.pipe(z.number().int().min(1).max(3600)).optional(),
  })
  .strict();

function httpApp(a: App): Record<string, unknown> {
  const out: Record<string, unknown> = { name: a.name, url: a.url };
  for (const key of ['method', 'expectStatus', 'bodyMatch', 'timeoutMs', 'caFile', 'insecureSkipVerify'] as const) if (a[key] !== undefined) out[key] = a[key];
  return out;
}

/** The company's applications, reached over HTTP(S) or TCP the way the user's PC reaches them. */
export const appsCheck: CheckKind<z.infer<typeof schema>> = {
  key: 'apps',
  summary: 'business applications answer over HTTP(S) or TCP',
  schema,
  compile(def) {
    const items = def.items ?? [];
    const http = items.filter((a) => a.url);
    const tcp = items.filter((a) => !a.url);
    const rules = [];
    const probes: Record<string, Record<string, unknown>> = {};
    const watch = def.watch !== undefined ? { watchEveryMs: def.watch * 1000 } : {};
    if (http.length > 0) {
      probes.http = { enabled: true, ...watch, apps: http.map(httpApp) };
      rules.push(
        rule(def, {
          name: 'app',
          description: 'Application reachable',
          measurement: 'http_response',
          field: 'ok',
          instanceTag: 'app',
          fail: { op: 'eq', value: 0 },
          missing: 'fail',
          reason: '{app}: {error}',
          okReason: '{app} answers {http_response_code} in {response_time_ms} ms',
        }),
      );
      for (const a of http) {
        if (a.maxLatencyMs) {
          rules.push(rule(def, { name: 'app_latency', description: 'Application response time', measurement: 'http_response', field: 'response_time_ms', match: { app: a.name }, instanceTag: 'app', ...thresholds(a.maxLatencyMs, 'gt'), missing: 'pass', reason: '{app} slow: {value} ms (limit {threshold} ms)', digits: 0 }));
        }
        if (a.url?.startsWith('https:')) {
          rules.push(rule(def, { name: 'app_certificate', description: 'TLS certificate validity', measurement: 'http_response', field: 'cert_days_left', match: { app: a.name }, instanceTag: 'app', ...thresholds(a.minCertDays ?? { warn: 14 }, 'lt'), missing: 'pass', reason: '{app}: TLS certificate expires in {value} days', digits: 0 }));
        }
      }
    }
    if (tcp.length > 0) {
      probes.tcp = { enabled: true, ...watch, targets: tcp.map((a) => ({ name: a.name, host: a.host, port: a.port, ...(a.timeoutMs ? { timeoutMs: a.timeoutMs } : {}) })) };
      rules.push(
        rule(def, {
          name: 'app_tcp',
          description: 'Service port reachable',
          measurement: 'net_response',
          field: 'ok',
          instanceTag: 'app',
          fail: { op: 'eq', value: 0 },
          missing: 'fail',
          reason: '{app}: {error}',
          okReason: '{app} accepts connections in {response_time_ms} ms',
        }),
      );
    }
    return { rules, probes };
  },
};
