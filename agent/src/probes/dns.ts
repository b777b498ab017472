import type { Metric } from '@siaga/shared';
import dns from 'node:dns';
import { isIP } from 'node:net';
import { z } from 'zod';
import { flag, probeConfig, round } from './base.js';
import { cleanText } from './console-text.js';
import { hostSchema } from './net-config.js';
import { formatSeconds } from './net-errors.js';
import type { Probe } from './types.js';

/** "system" (the OS resolver, hosts file included), an IP address, or "ip:port" / "[ipv6]:port". */
export function parseServer(value: string): { host: string; port: number } | 'system' | undefined {
  if (value === 'system') return 'system';
  if (isIP(value)) return { host: value, port: 53 };
  const m = /^\[([0-9a-fA-F:.]+)\]:(\d{1,5})$/.exec(value) ?? /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(value);
  const port = Number(m?.[2]);
  return m && isIP(m[1]!) && port >= 1 && port <= 65535 ? { host: m[1]!, port } : undefined;
}

const serverSchema = z.string().refine((s) => parseServer(s) !== undefined, 'expected "system", an IP address or ip:port');
const recordType = z.enum(['A', 'AAAA']);

const configSchema = probeConfig(true, 10_000, {
  queries: z
    .array(z.object({ domain: hostSchema, recordType: recordType.default('A'), servers: z.array(serverSchema).min(1).max(4).optional() }).strict())
    .max(16)
    .default([]),
  /** Resolvers asked for every query without its own list. */
  servers: z.array(serverSchema).min(1).max(4).default(['system']),
  queryTimeoutMs: z.number().int().min(100).max(30_000).default(2_000),
  /** Attempts per query against a configured resolver (the system resolver has its own policy). */
  tries: z.number().int().min(1).max(5).default(2),
}).superRefine((c, ctx) => {
  if (c.queryTimeoutMs >= c.timeoutMs) ctx.addIssue({ code: 'custom', path: ['queryTimeoutMs'], message: `must be less than timeoutMs (${c.timeoutMs})` });
});
type DnsConfig = typeof configSchema._output;

class QueryTimeout extends Error {
  override readonly name = 'QueryTimeout';
}

function withTimeout<T>(work: Promise<T>, ms: number, onTimeout?: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      onTimeout?.();
      reject(new QueryTimeout());
    }, ms);
    work.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e: unknown) => (clearTimeout(timer), reject(e)),
    );
  });
}

// getaddrinfo cannot be cancelled and blocks one of libuv's four threads until the OS gives up
// (10 s and more with a dead DNS server). A lookup still running is joined, never started twice.
const pendingLookups = new Map<string, Promise<string[]>>();

function systemLookup(domain: string, family: 4 | 6): Promise<string[]> {
  const key = `${family}/${domain}`;
  let pending = pendingLookups.get(key);
  if (!pending) {
    pending = dns.promises.lookup(domain, { all: true, family }).then((list) => list.map((a) => a.address));
    const settled = () => pendingLookups.delete(key);
    pending.then(settled, settled);
    pendingLookups.set(key, pending);
  }
  return pending;
}

async function serverLookup(domain: string, type: 'A' | 'AAAA', server: { host: string; port: number }, config: DnsConfig): Promise<string[]> {
  const resolver = new dns.promises.Resolver({ timeout: Math.max(50, Math.floor(config.queryTimeoutMs / config.tries)), tries: config.tries });
  resolver.setServers([server.host.includes(':') ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`]);
  const work = type === 'A' ? resolver.resolve4(domain) : resolver.resolve6(domain);
  return withTimeout(work, config.queryTimeoutMs, () => resolver.cancel());
}

/** A DNS failure in words, and whether it was a timeout (result_code 1) or an error (2). */
export function describeDnsError(err: unknown, domain: string, type: string, timeoutMs: number): { code: 1 | 2; message: string } {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (err instanceof QueryTimeout || code === 'ETIMEOUT' || code === 'ECANCELLED') return { code: 1, message: `timeout after ${formatSeconds(timeoutMs)}` };
  if (code === 'EAI_AGAIN') return { code: 1, message: 'no answer from the DNS server (EAI_AGAIN)' };
  const known: Record<string, string> = {
    ENOTFOUND: `${domain}: name not found (NXDOMAIN)`,
    ENODATA: `${domain}: no ${type} record`,
    ESERVFAIL: 'server failure (SERVFAIL)',
    EREFUSED: 'query refused (REFUSED)',
    ECONNREFUSED: 'connection refused (no DNS server listening)',
    EBADRESP: 'malformed response',
  };
  return { code: 2, message: (code && known[code]) ?? cleanText(err instanceof Error ? err.message : String(err), 200) };
}

/**
 * Resolves configured names through the system resolver (what applications see, hosts file
 * included) and/or through given DNS servers, each with a timeout. Does nothing until configured.
 */
export const dnsProbe: Probe<DnsConfig> = {
  name: 'dns',
  description: 'Resolves configured names through the system resolver or given DNS servers',
  measurements: ['dns_query'],
  // Queries go to the office's resolvers: a fleet asking every second would be a load test.
  minWatchIntervalMs: 5_000,
  defaultEnabled: true,
  configSchema,
  async collect(_ctx, config) {
    const jobs: Array<Promise<Metric>> = [];
    for (const q of config.queries) {
      for (const server of q.servers ?? config.servers) {
        jobs.push(
          (async (): Promise<Metric> => {
            const parsed = parseServer(server)!;
            const started = performance.now();
            const tags = { domain: q.domain, server, record_type: q.recordType };
            try {
              const answers =
                parsed === 'system'
                  ? await withTimeout(systemLookup(q.domain, q.recordType === 'A' ? 4 : 6), config.queryTimeoutMs)
                  : await serverLookup(q.domain, q.recordType, parsed, config);
              const fields: Metric['fields'] = { query_time_ms: round(performance.now() - started, 3), result_code: 0, resolved: flag(answers.length > 0), answers: answers.length };
              if (answers[0]) fields.answer = answers[0];
              return { m: 'dns_query', tags, fields };
            } catch (err) {
              const failure = describeDnsError(err, q.domain, q.recordType, config.queryTimeoutMs);
              return { m: 'dns_query', tags, fields: { query_time_ms: round(performance.now() - started, 3), result_code: failure.code, resolved: 0, answers: 0, error: failure.message } };
            }
          })(),
        );
      }
    }
    return Promise.all(jobs);
  },
};
