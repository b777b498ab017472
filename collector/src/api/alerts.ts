import { describeIssues, ErrorCode, fieldIssues } from '@siaga/shared';
import express, { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { type Alert, type AlertService, maintenanceSchema, newSilenceSchema, silenceStatus } from '../alerts/index.js';
import { ALERT_STATES } from '../alerts/types.js';
import type { DeliveryRecord, HistoryQuery } from '../notify/index.js';
import { principalOf } from '../auth/middleware.js';
import type { HostStore } from '../store/hosts.js';
import { ackLinkRouter } from './ack-link.js';
import { sendError } from './errors.js';
import { parseQuery } from './query.js';

export interface AlertsApiDeps {
  alerts: AlertService;
  hosts: HostStore;
  /** Delivery history of the notifier (absent when nothing can be sent). */
  deliveries: (query: HistoryQuery) => DeliveryRecord[];
  now: () => number;
}

const listQuery = z
  .object({
    state: z.enum(ALERT_STATES).optional(),
    site: z.string().max(64).optional(),
    host: z.string().max(128).optional(),
    limit: z.coerce.number().int().min(1).max(10_000).default(500),
  })
  .strict();

const eventsQuery = z
  .object({
    from: z.coerce.number().int().min(0).optional(),
    to: z.coerce.number().int().min(0).optional(),
    limit: z.coerce.number().int().min(1).max(10_000).default(1000),
  })
  .strict();

const ackBody = z.object({ by: z.string().min(1).max(128), comment: z.string().max(1000).optional() }).strict();

export const alertView = (a: Alert) => ({
  id: a.id,
  rule: a.rule,
  hostId: a.hostId,
  state: a.state,
  labels: a.labels,
  summary: a.summary,
  reason: a.reason,
  groupKey: a.groupKey,
  activeSince: a.activeSince,
  firedAt: a.firedAt,
  resolvedAt: a.resolvedAt,
  notifiedAt: a.notifiedAt,
  acknowledgedBy: a.ackedBy,
  acknowledgedAt: a.ackedAt,
  suppressedBy: a.suppressedBy,
});

/** The body with its author field set to the signed-in user: who acted is not the caller's to say. */
function signed(req: Request, field: 'by' | 'createdBy'): unknown {
  const who = principalOf(req)?.name;
  const body = (req.body ?? {}) as Record<string, unknown>;
  return who && typeof body === 'object' && !Array.isArray(body) ? { ...body, [field]: who } : body;
}

/** Parses a JSON body; answers 400 naming the field and returns undefined when bad. */
function parseBody<T>(schema: z.ZodType<T>, body: unknown, res: Response): T | undefined {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const issues = fieldIssues(parsed.error);
  sendError(res, ErrorCode.invalidRequest, describeIssues(issues), issues[0]?.path);
  return undefined;
}

/**
 * Alerts, acknowledgements, silences, maintenance and each host's alert record
 * (`/v1/hosts/:id/alert-events`; `/v1/hosts/:id/events` holds the host's security events).
 */
export function alertsRouter(deps: AlertsApiDeps): Router {
  const router = Router();
  const json = express.json({ limit: '64kb' });
  const { alerts } = deps;
  const engine = alerts.engine;

  router.get('/v1/alerts', (req, res) => {
    const q = parseQuery(listQuery, req.query, res);
    if (!q) return;
    const list = alerts.store.listAlerts({ limit: q.limit, ...(q.state ? { state: q.state } : {}), ...(q.site ? { site: q.site } : {}), ...(q.host ? { hostId: q.host } : {}) });
    // The engine's copy is the current one (suppression is not written on every tick).
    const open = new Map(engine.openAlerts().map((a) => [a.id, a]));
    res.json({ alerts: list.map((a) => alertView(open.get(a.id) ?? a)), counters: engine.counters() });
  });

  router.get('/v1/alerts/:id', (req, res) => {
    const alert = engine.openAlerts().find((a) => a.id === req.params.id) ?? alerts.store.getAlert(req.params.id);
    if (!alert) return sendError(res, ErrorCode.notFound, `no alert with id ${req.params.id}`);
    res.json({ ...alertView(alert), events: alerts.store.eventsOfAlert(alert.id), deliveries: deps.deliveries({ alertId: alert.id }) });
  });

  router.post('/v1/alerts/:id/ack', json, (req, res) => {
    const body = parseBody(ackBody, signed(req, 'by'), res);
    if (!body) return;
    const alert = engine.acknowledge(req.params.id, body.by, body.comment ? `api: ${body.comment}` : 'api');
    res.json(alertView(alert));
  });

  router.use(ackLinkRouter({ alerts, now: deps.now }));

  router.get('/v1/silences', (_req, res) => {
    const now = deps.now();
    res.json({ silences: alerts.silences.list(now).map((s) => ({ ...s, status: silenceStatus(s, now) })) });
  });

  router.post('/v1/silences', json, (req, res) => {
    const body = parseBody(newSilenceSchema, signed(req, 'createdBy'), res);
    if (!body) return;
    const now = deps.now();
    const silence = alerts.silences.create(body, now);
    res.status(201).json({ ...silence, status: silenceStatus(silence, now) });
  });

  router.delete('/v1/silences/:id', (req, res) => {
    const now = deps.now();
    const silence = alerts.silences.get(req.params.id);
    if (!silence) return sendError(res, ErrorCode.notFound, `no silence with id ${req.params.id}`);
    alerts.silences.expire(silence.id, now);
    const after = alerts.silences.get(silence.id) ?? silence;
    res.json({ ...after, status: silenceStatus(after, now) });
  });

  router.put('/v1/hosts/:id/maintenance', json, (req, res) => {
    const host = deps.hosts.get(req.params.id);
    if (!host) return sendError(res, ErrorCode.notFound, `no host with id ${req.params.id}`);
    const body = parseBody(maintenanceSchema, signed(req, 'by'), res);
    if (!body) return;
    res.json(alerts.maintenance.set(host.id, body, deps.now()));
  });

  router.delete('/v1/hosts/:id/maintenance', (req, res) => {
    const host = deps.hosts.get(req.params.id);
    if (!host) return sendError(res, ErrorCode.notFound, `no host with id ${req.params.id}`);
    if (!alerts.maintenance.clear(host.id)) return sendError(res, ErrorCode.notFound, `${host.hostname} is not in maintenance`);
    res.status(204).end();
  });

  router.get('/v1/hosts/:id/alert-events', (req, res) => {
    const q = parseQuery(eventsQuery, req.query, res);
    if (!q) return;
    const host = deps.hosts.get(req.params.id);
    if (!host && !req.params.id.startsWith('site:') && req.params.id !== 'collector') return sendError(res, ErrorCode.notFound, `no host with id ${req.params.id}`);
    const to = q.to ?? deps.now();
    const from = q.from ?? 0;
    res.json({ hostId: req.params.id, maintenance: alerts.maintenance.get(req.params.id) ?? null, events: alerts.store.eventsOfHost(req.params.id, from, to, q.limit) });
  });

  return router;
}
