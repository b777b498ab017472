import { ErrorCode, SiagaError } from '@siaga/shared';
import { Router } from 'express';
import type { HostEventStore } from '../store/host-events.js';
import type { HostStore } from '../store/hosts.js';
import type { SecretStore } from '../store/secrets.js';
import { sendError } from './errors.js';

export interface EnrollmentAdminDeps {
  hosts: HostStore;
  secrets: SecretStore;
  events: HostEventStore;
  /** Secrets from the config file: they count towards the two active ones. */
  configSecrets: number;
  /** Closes the live connections of revoked hosts (4401). */
  revoked: (hostIds: string[]) => void;
  now: () => number;
}

/**
 * Revoking hosts, their security events, and enroll secrets (create, list, revoke). The same
 * operations exist on the command line (`siaga-collector hosts|secrets`); who may call these
 * routes is decided by the access layer (admins).
 */
export function enrollmentAdminRouter(deps: EnrollmentAdminDeps): Router {
  const router = Router();

  router.post('/v1/hosts/:id/revoke', (req, res) => {
    const host = deps.hosts.get(req.params.id);
    if (!host) return sendError(res, ErrorCode.notFound, `no host with id ${req.params.id}`);
    const now = deps.now();
    const changed = deps.hosts.revoke(host.id, now);
    if (changed) deps.events.record(host.id, 'revoked', { via: 'api', ip: req.ip ?? null }, now);
    deps.revoked([host.id]);
    res.json({ id: host.id, hostname: host.hostname, revoked: true, revokedAt: changed ? now : host.revokedAt });
  });

  router.get('/v1/hosts/:id/events', (req, res) => {
    const host = deps.hosts.get(req.params.id);
    if (!host) return sendError(res, ErrorCode.notFound, `no host with id ${req.params.id}`);
    res.json({ hostId: host.id, events: deps.events.forHost(host.id) });
  });

  router.get('/v1/secrets', (_req, res) => {
    res.json({ secrets: deps.secrets.list(), configured: deps.configSecrets });
  });

  router.post('/v1/secrets', (_req, res) => {
    try {
      const created = deps.secrets.create(deps.now(), deps.configSecrets);
      res.status(201).json({ ...created, note: 'the secret is shown only now; the collector keeps its hash' });
    } catch (err) {
      if (err instanceof SiagaError) return sendError(res, err.code, err.message);
      throw err;
    }
  });

  router.post('/v1/secrets/:id/revoke', (req, res) => {
    if (!deps.secrets.revoke(req.params.id, deps.now())) return sendError(res, ErrorCode.notFound, `no active enroll secret with id ${req.params.id}`);
    res.json({ id: req.params.id, revoked: true });
  });

  return router;
}
