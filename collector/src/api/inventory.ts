import { ErrorCode } from '@siaga/shared';
import { Router } from 'express';
import { z } from 'zod';
import type { HostStore } from '../store/hosts.js';
import type { InventoryStore } from '../store/inventory.js';
import { sendError } from './errors.js';
import { parseQuery } from './query.js';

const changesQuery = z
  .object({
    site: z.string().max(64).optional(),
    from: z.coerce.number().int().min(0).optional(),
    to: z.coerce.number().int().min(0).optional(),
  })
  .strict();

/** A host's hardware and software, and what changed across the fleet. */
export function inventoryRouter(deps: { hosts: HostStore; store: InventoryStore; now: () => number }): Router {
  const router = Router();
  router.get('/v1/hosts/:id/inventory', (req, res) => {
    const host = deps.hosts.get(req.params.id);
    if (!host) return sendError(res, ErrorCode.notFound, `no host with id ${req.params.id}`);
    const inv = deps.store.get(host.id);
    if (!inv) return sendError(res, ErrorCode.notFound, `no inventory received from ${host.hostname} yet`);
    res.json({ hostId: host.id, ...inv, changes: deps.store.changes([host.id], 0, deps.now(), 500) });
  });
  router.get('/v1/inventory/changes', (req, res) => {
    const query = parseQuery(changesQuery, req.query, res);
    if (!query) return;
    const to = query.to ?? deps.now();
    const from = query.from ?? to - 30 * 86_400_000;
    const ids = query.site ? deps.hosts.list().filter((h) => h.site === query.site).map((h) => h.id) : 'all';
    res.json({ from, to, changes: deps.store.changes(ids, from, to) });
  });
  return router;
}
