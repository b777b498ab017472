import { ErrorCode } from '@siaga/shared';
import { Router } from 'express';
import { z } from 'zod';
import type { AgentConnection } from '../gateway/connection.js';
import type { ReadinessEngine } from '../readiness/engine.js';
import { type HostReadiness, VERDICT_CODE, VERDICTS } from '../readiness/types.js';
import type { HostRecord, HostStore } from '../store/hosts.js';
import type { ReadinessStore } from '../store/readiness.js';
import { sendError } from './errors.js';
import { parseQuery } from './query.js';

export interface HostsDeps {
  hosts: HostStore;
  readiness: ReadinessEngine;
  readinessStore: ReadinessStore;
  connection: (hostId: string) => AgentConnection | undefined;
  now: () => number;
}

export function hostSummary(host: HostRecord, r: HostReadiness | undefined, connected: boolean) {
  return {
    id: host.id,
    hostname: host.hostname,
    site: host.site,
    group: host.group,
    tags: host.tags,
    os: host.os,
    agentVersion: host.agentVersion,
    verdict: r?.verdict ?? 'unknown',
    expected: r?.expected ?? false,
    verdictSince: r?.since ?? null,
    reasons: r?.reasons ?? [],
    connected,
    enrolledAt: host.enrolledAt,
    lastSeenAt: host.lastSeenAt,
    lastReportAt: host.lastReportAt,
    lastSeq: host.lastSeq,
    revoked: host.revokedAt !== null,
  };
}

const listQuery = z
  .object({
    verdict: z.enum(VERDICTS).optional(),
    site: z.string().max(64).optional(),
    group: z.string().max(64).optional(),
    /** Free text over hostname, site, group and reasons. */
    q: z.string().max(200).optional(),
  })
  .strict();

const historyQuery = z
  .object({
    from: z.coerce.number().int().min(0).optional(),
    to: z.coerce.number().int().min(0).optional(),
    limit: z.coerce.number().int().min(1).max(10_000).default(1000),
  })
  .strict();

/** Hosts, their verdicts and reasons, the fleet summary, verdict history and "check again". */
export function hostsRouter(deps: HostsDeps): Router {
  const router = Router();
  const view = (h: HostRecord) => hostSummary(h, deps.readiness.get(h.id), deps.connection(h.id) !== undefined);

  router.get('/v1/hosts', (req, res) => {
    const query = parseQuery(listQuery, req.query, res);
    if (!query) return;
    const needle = query.q?.toLowerCase();
    const hosts = deps.hosts
      .list()
      .map(view)
      .filter((h) => !query.verdict || h.verdict === query.verdict)
      .filter((h) => !query.site || h.site === query.site)
      .filter((h) => !query.group || h.group === query.group)
      .filter((h) => !needle || [h.hostname, h.site ?? '', h.group ?? '', ...h.reasons.map((r) => r.reason)].some((t) => t.toLowerCase().includes(needle)))
      .sort((a, b) => VERDICT_CODE[b.verdict] - VERDICT_CODE[a.verdict] || a.hostname.localeCompare(b.hostname));
    res.json({ hosts });
  });

  router.get('/v1/fleet/summary', (_req, res) => {
    const zero = () => Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<(typeof VERDICTS)[number], number>;
    const total = zero();
    const sites: Record<string, ReturnType<typeof zero>> = {};
    let offlineExpected = 0;
    for (const h of deps.hosts.list()) {
      if (h.revokedAt !== null) continue;
      const r = deps.readiness.get(h.id);
      const verdict = r?.verdict ?? 'unknown';
      total[verdict] += 1;
      if (r?.expected) offlineExpected += 1;
      const site = h.site ?? '(no site)';
      (sites[site] ??= zero())[verdict] += 1;
    }
    res.json({ at: deps.now(), total, offlineExpected, sites });
  });

  router.get('/v1/hosts/:id', (req, res) => {
    const host = deps.hosts.get(req.params.id);
    if (!host) return sendError(res, ErrorCode.notFound, `no host with id ${req.params.id}`);
    const r = deps.readiness.get(host.id);
    const latest = deps.hosts.latestReport(host.id);
    res.json({
      ...view(host),
      checks: r?.checks ?? [],
      latestReport: latest ? { seq: latest.seq, collectedAt: latest.collectedAt, trigger: latest.trigger, policyVersion: latest.policyVersion ?? null, metrics: latest.metrics } : null,
    });
  });

  router.get('/v1/hosts/:id/history', (req, res) => {
    const host = deps.hosts.get(req.params.id);
    if (!host) return sendError(res, ErrorCode.notFound, `no host with id ${req.params.id}`);
    const query = parseQuery(historyQuery, req.query, res);
    if (!query) return;
    const to = query.to ?? deps.now();
    const from = query.from ?? to - 7 * 86_400_000;
    res.json({ hostId: host.id, from, to, history: deps.readinessStore.history(host.id, from, to, query.limit) });
  });

  router.post('/v1/hosts/:id/recheck', async (req, res) => {
    const host = deps.hosts.get(req.params.id);
    if (!host) return sendError(res, ErrorCode.notFound, `no host with id ${req.params.id}`);
    const conn = deps.connection(host.id);
    if (!conn) return sendError(res, ErrorCode.agentOffline, `${host.hostname} is not connected; it will be checked when it reconnects`);
    const result = await conn.command('recheck');
    if (!result.ok) return sendError(res, ErrorCode.agentOffline, `${host.hostname} did not run the checks: ${result.error ?? 'unknown error'}`);
    res.json(view(deps.hosts.get(host.id) ?? host));
  });

  return router;
}
