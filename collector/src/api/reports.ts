import { Router } from 'express';
import { z } from 'zod';
import type { PolicyFile } from '../policy/schema.js';
import { loadReadinessReport } from '../reports/load.js';
import { renderCsv } from '../reports/render-csv.js';
import { renderHtml } from '../reports/render-html.js';
import type { Db } from '../store/db.js';
import { parseQuery } from './query.js';

const reportQuery = z
  .object({
    site: z.string().min(1).max(64).optional(),
    from: z.string().min(1).max(40).optional(),
    to: z.string().min(1).max(40).optional(),
    format: z.enum(['json', 'html', 'csv']).default('json'),
    repeat: z.coerce.number().int().min(2).max(100).optional(),
  })
  .strict();

/** `GET /v1/reports/readiness?site&from&to&format=json|html|csv`. */
export function reportsRouter(deps: { db: Db; policy: () => PolicyFile; now: () => number }): Router {
  const router = Router();
  router.get('/v1/reports/readiness', (req, res) => {
    const q = parseQuery(reportQuery, req.query, res);
    if (!q) return;
    const report = loadReadinessReport(deps.db, deps.policy(), { ...q, ...(q.repeat !== undefined ? { repeatThreshold: q.repeat } : {}) }, deps.now());
    const name = `siaga-readiness-${q.site ?? 'all-sites'}`.replace(/[^A-Za-z0-9._-]/g, '_');
    res.setHeader('cache-control', 'no-store');
    if (q.format === 'csv') {
      res.type('text/csv; charset=utf-8').setHeader('content-disposition', `attachment; filename="${name}.csv"`);
      return res.send(renderCsv(report));
    }
    if (q.format === 'html') {
      // Inline styles only, no scripts; the board may show it in a frame.
      res.setHeader('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'");
      return res.type('html').send(renderHtml(report));
    }
    res.json(report);
  });
  return router;
}
