import { z } from 'zod';
import { commonShape, levels, rule, thresholds } from './common.js';
import type { CheckKind, CompiledCheck } from './types.js';

const name = z.string().regex(/^(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?$/, 'expected a DNS name');
const server = z.union([z.literal('system'), z.ipv4(), z.ipv6()]);

const schema = z
  .object({
    ...commonShape,
    /** Names that must resolve: the company's own (intranet, mail, file server). */
    names: z.array(name).min(1).max(16).optional(),
    /** Resolvers to ask; `system` is the machine's own configuration (the default). */
    servers: z.array(server).min(1).max(4).optional(),
    maxQueryMs: levels.optional(),
  })
  .strict();

/** Name resolution of the names the office depends on. */
export const dnsCheck: CheckKind<z.infer<typeof schema>> = {
  key: 'dns',
  summary: 'configured names resolve, optionally through given resolvers',
  schema,
  compile(def): CompiledCheck {
    const names = def.names ?? [];
    if (names.length === 0) return { rules: [], probes: {} };
    const probe: Record<string, unknown> = { enabled: true, queries: names.map((domain) => ({ domain })) };
    if (def.servers) probe.servers = def.servers;
    const rules = [
      rule(def, {
        name: 'dns',
        description: 'Name resolution',
        measurement: 'dns_query',
        field: 'resolved',
        instanceTag: 'domain',
        fail: { op: 'eq', value: 0 },
        missing: 'fail',
        reason: 'DNS cannot resolve {domain}: {error}',
        okReason: 'DNS resolves {domain} in {query_time_ms} ms',
      }),
    ];
    if (def.maxQueryMs) {
      rules.push(
        rule(def, {
          name: 'dns_latency',
          description: 'Name resolution time',
          measurement: 'dns_query',
          field: 'query_time_ms',
          instanceTag: 'domain',
          ...thresholds(def.maxQueryMs, 'gt'),
          missing: 'pass',
          reason: 'DNS slow for {domain}: {value} ms (limit {threshold} ms)',
          digits: 0,
        }),
      );
    }
    return { rules, probes: { dns: probe } };
  },
};
