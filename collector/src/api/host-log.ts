import { ErrorCode } from '@siaga/shared';
import express, { Router } from 'express';
import { z } from 'zod';
import { principalOf } from '../auth/middleware.js';
import type { Principal } from '../auth/roles.js';
import { type HostLogStore, type LogEntry, MANUAL_KINDS } from '../hostlog/store.js';
import type { HostStore } from '../store/hosts.js';
import { sendError } from './errors.js';
import { parseBody, parseQuery } from './query.js';

const listQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).default(200),
    before: z.coerce.number().int().min(1).optional(),
  })
  .strict();

const instant = z.union([z.number().int().min(0), z.iso.datetime({ offset: true }).transform((s) => Date.parse(s))]);

const newEntry = z
  .object({
    kind: z.enum(MANUAL_KINDS as [string, ...string[]]),
    text: z.string().trim().min(1).max(4000),
    /** When the work was done (epoch ms or RFC 3339); now when omitted. Not in the future. */
    at: instant.optional(),
    alertId: z.string().min(1).max(128).optional(),
  })
  .strict();

export interface HostLogDeps {
  log: HostLogStore;
  hosts: HostStore;
  added: (entry: LogEntry) => void;
  now: () => number;
}

/** `GET/POST /v1/hosts/:id/log`: the machine's maintenance log; the author is the signed-in user. */
export function hostLogRouter(deps: HostLogDeps): Router {
  const router = Router();

  router.get('/v1/hosts/:id/log', (req, res) => {
    const host = deps.hosts.get(req.params.id);
    if (!host) return sendError(res, ErrorCode.notFound, `no host with id ${req.params.id}`);
    const q = parseQuery(listQuery, req.query, res);
    if (!q) return;
    res.json({ hostId: host.id, entries: deps.log.list(host.id, q.limit, q.before) });
  });

  router.post('/v1/hosts/:id/log', express.json({ limit: '16kb' }), (req, res) => {
    const host = deps.hosts.get(req.params.id);
    if (!host) return sendError(res, ErrorCode.notFound, `no host with id ${req.params.id}`);
    const body = parseBody(newEntry, req.body, res);
    if (!body) return;
    const now = deps.now();
    if (body.at !== undefined && body.at > now + 60_000) return sendError(res, ErrorCode.invalidRequest, 'at: cannot be in the future', 'at');
    const entry = deps.log.add({
      hostId: host.id,
      at: body.at ?? now,
      recordedAt: now,
      author: (principalOf(req) as Principal).name,
      kind: body.kind as LogEntry['kind'],
      text: body.text,
      alertId: body.alertId ?? null,
    });
    deps.added(entry);
    res.status(201).json(entry);
  });

  return router;
}
