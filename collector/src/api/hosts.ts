import { ErrorCode } from '@siaga/shared';
import { Router } from 'express';
import type { HostRecord, HostStore } from '../store/hosts.js';
import { sendError } from './errors.js';

export interface HostsDeps {
  hosts: HostStore;
  isConnected: (hostId: string) => boolean;
}

function summary(host: HostRecord, connected: boolean) {
  return {
    id: host.id,
    hostname: host.hostname,
    site: host.site,
    group: host.group,
    tags: host.tags,
    os: host.os,
    agentVersion: host.agentVersion,
    connected,
    enrolledAt: host.enrolledAt,
    lastSeenAt: host.lastSeenAt,
    lastReportAt: host.lastReportAt,
    lastSeq: host.lastSeq,
    revoked: host.revokedAt !== null,
  };
}

/** `GET /v1/hosts` and `GET /v1/hosts/:id`. */
export function hostsRouter(deps: HostsDeps): Router {
  const router = Router();
  router.get('/v1/hosts', (_req, res) => {
    res.json({ hosts: deps.hosts.list().map((h) => summary(h, deps.isConnected(h.id))) });
  });
  router.get('/v1/hosts/:id', (req, res) => {
    const host = deps.hosts.get(req.params.id);
    if (!host) return sendError(res, ErrorCode.notFound, `no host with id ${req.params.id}`);
    const latest = deps.hosts.latestReport(host.id);
    res.json({
      ...summary(host, deps.isConnected(host.id)),
      latestReport: latest ? { seq: latest.seq, collectedAt: latest.collectedAt, trigger: latest.trigger, metrics: latest.metrics, checks: latest.checks } : null,
    });
  });
  return router;
}
