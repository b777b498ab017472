import { ErrorCode, SiagaError } from '@siaga/shared';
import type { CheckResult } from '@siaga/shared';
import type { PolicyFile } from '../policy/schema.js';
import type { Reason, Verdict } from '../readiness/types.js';
import type { Db } from '../store/db.js';
import { InventoryStore } from '../store/inventory.js';
import { buildSiteReport } from './compute.js';
import type { AlertRow, HistoryRow, ReadinessReport, ReportHost, SiteReport } from './types.js';
import { civilDate, addDays, startOfDay } from './zoned.js';

export const NO_SITE = '(no site)';

export interface ReportQuery {
  /** One site, or every site with machines when omitted. */
  site?: string;
  /** `YYYY-MM-DD` (start of that day at the site), RFC 3339, or epoch ms. */
  from?: string;
  /** `YYYY-MM-DD` (that whole day is included), RFC 3339, or epoch ms. Default: now. */
  to?: string;
  repeatThreshold?: number;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A report bound as an instant in the site's time zone; a bare date names a whole local day. */
export function parseBound(text: string, timeZone: string, end: boolean, field: string): number {
  const day = DAY.exec(text);
  if (day) {
    const d = { year: Number(day[1]), month: Number(day[2]), day: Number(day[3]) };
    return startOfDay(end ? addDays(d, 1) : d, timeZone);
  }
  if (/^\d{10,}$/.test(text)) return Number(text);
  const at = Date.parse(text);
  if (Number.isNaN(at) || !/[zZ]|[+-]\d{2}:?\d{2}$/.test(text)) {
    throw new SiagaError(ErrorCode.invalidRequest, `${field}: expected YYYY-MM-DD, an RFC 3339 time with offset, or epoch ms`, { path: field });
  }
  return at;
}

interface HostRow {
  id: string;
  hostname: string;
  site: string | null;
  grp: string | null;
  revoked_at: number | null;
  latest_report_json: string | null;
  checks_json: string | null;
  inventory_checks_json: string | null;
}

interface VerdictRow {
  host_id: string;
  at: number;
  verdict: Verdict;
  expected: number;
  reasons_json: string;
}

const toHistory = (r: VerdictRow): HistoryRow => ({ hostId: r.host_id, at: r.at, verdict: r.verdict, expected: r.expected === 1, reasons: JSON.parse(r.reasons_json) as Reason[] });

function tableExists(db: Db, name: string): boolean {
  return db.prepare<[string], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/** Reads one site's slice of the store and builds its report. `site` null: machines without a site. */
function siteReport(db: Db, policy: PolicyFile, site: string | null, q: ReportQuery, now: number): SiteReport {
  const def = site !== null ? policy.sites[site] : undefined;
  const timeZone = def?.timezone ?? 'UTC';
  const to = q.to ? parseBound(q.to, timeZone, true, 'to') : now;
  const from = q.from ? parseBound(q.from, timeZone, false, 'from') : startOfDay(addDays(civilDate(to, timeZone), -30), timeZone);
  if (from >= to) throw new SiagaError(ErrorCode.invalidRequest, 'from: must be before to', { path: 'from' });
  const periodEnd = Math.min(to, now);
  const inSite = 'host_id IN (SELECT id FROM hosts WHERE site IS ?)';

  const hosts: ReportHost[] = db
    .prepare<[string | null, number], HostRow>(
      `SELECT h.id, h.hostname, h.site, h.grp, h.revoked_at, l.json AS latest_report_json, r.checks_json, r.inventory_checks_json
       FROM hosts h LEFT JOIN host_readiness r ON r.host_id = h.id LEFT JOIN host_latest_report l ON l.host_id = h.id WHERE h.site IS ? AND (h.revoked_at IS NULL OR h.revoked_at > ?) ORDER BY h.hostname`,
    )
    .all(site, from)
    .map((h) => ({
      id: h.id,
      hostname: h.hostname,
      site: h.site,
      group: h.grp,
      revokedAt: h.revoked_at,
      checks: [...(JSON.parse(h.checks_json ?? '[]') as CheckResult[]), ...(JSON.parse(h.inventory_checks_json ?? '[]') as CheckResult[])],
      metrics: h.latest_report_json ? ((JSON.parse(h.latest_report_json) as { metrics?: ReportHost['metrics'] }).metrics ?? []) : [],
    }));

  // SQLite takes the other columns of a MAX() aggregate from the row holding the maximum.
  const initial = new Map(
    db
      .prepare<[number, string | null], VerdictRow>(`SELECT host_id, MAX(at) AS at, verdict, expected, reasons_json FROM verdict_history WHERE at < ? AND ${inSite} GROUP BY host_id`)
      .all(from, site)
      .map((r) => [r.host_id, toHistory(r)]),
  );
  const rows = new Map<string, HistoryRow[]>();
  for (const r of db.prepare<[number, number, string | null], VerdictRow>(`SELECT host_id, at, verdict, expected, reasons_json FROM verdict_history WHERE at >= ? AND at < ? AND ${inSite} ORDER BY host_id, at, rowid`).all(from, periodEnd, site)) {
    let list = rows.get(r.host_id);
    if (!list) rows.set(r.host_id, (list = []));
    list.push(toHistory(r));
  }

  // Machines still failing at the end of a past period: when did they recover?
  const recoveredAt = new Map<string, number | null>();
  if (periodEnd < now) {
    const recovery = db.prepare<[string, number], { at: number | null }>("SELECT MIN(at) AS at FROM verdict_history WHERE host_id = ? AND at >= ? AND NOT (verdict = 'not_ready' OR (verdict = 'offline' AND expected = 0))");
    for (const h of hosts) {
      const last = rows.get(h.id)?.at(-1) ?? initial.get(h.id);
      if (last && (last.verdict === 'not_ready' || (last.verdict === 'offline' && !last.expected))) recoveredAt.set(h.id, recovery.get(h.id, periodEnd)?.at ?? null);
    }
  }

  const alerts: AlertRow[] = db
    .prepare<[number, number, string | null], { id: string; host_id: string; rule: string; active_since: number; fired_at: number | null; resolved_at: number | null; acked_at: number | null; acked_by: string | null }>(
      `SELECT id, host_id, rule, active_since, fired_at, resolved_at, acked_at, acked_by FROM alerts WHERE active_since < ? AND (resolved_at IS NULL OR resolved_at >= ?) AND ${inSite}`,
    )
    .all(periodEnd, from - 30 * 86_400_000, site)
    .map((a) => ({ id: a.id, hostId: a.host_id, rule: a.rule, activeSince: a.active_since, firedAt: a.fired_at, resolvedAt: a.resolved_at, ackedAt: a.acked_at, ackedBy: a.acked_by }));

  const names = new Map(hosts.map((h) => [h.id, h.hostname]));
  const changes = tableExists(db, 'inventory_changes') ? new InventoryStore(db).changes([...names.keys()], from, periodEnd) : [];
  const inventory: SiteReport['inventory'] = { added: 0, removed: 0, updated: 0, hardware: 0, changes: [] };
  for (const c of changes) {
    inventory[c.change] += 1;
    if (inventory.changes.length < 500) inventory.changes.push({ hostname: names.get(c.hostId) ?? c.hostId, at: c.at, change: c.change, name: c.name, oldVersion: c.oldVersion, newVersion: c.newVersion });
  }
  const maintenance = Object.fromEntries(
    db
      .prepare<[number, number, string | null], { kind: string; n: number }>(`SELECT kind, COUNT(*) AS n FROM host_log WHERE at >= ? AND at < ? AND ${inSite} GROUP BY kind`)
      .all(from, periodEnd, site)
      .map((r) => [r.kind, r.n]),
  );

  return buildSiteReport({
    site: site ?? NO_SITE,
    description: def?.description ?? null,
    timeZone,
    windows: def?.businessHours ?? [],
    from,
    to,
    now,
    hosts,
    initial,
    rows,
    recoveredAt,
    alerts,
    inventory,
    maintenance,
    ...(q.repeatThreshold !== undefined ? { repeatThreshold: q.repeatThreshold } : {}),
  });
}

/** The readiness report for one site or for every site that has machines. */
export function loadReadinessReport(db: Db, policy: PolicyFile, q: ReportQuery, now: number): ReadinessReport {
  const known = db.prepare<[], { site: string | null }>('SELECT DISTINCT site FROM hosts ORDER BY site').all().map((r) => r.site);
  let sites: Array<string | null>;
  if (q.site !== undefined) {
    const wanted = q.site === NO_SITE ? null : q.site;
    if (!known.includes(wanted) && !(q.site in policy.sites)) throw new SiagaError(ErrorCode.notFound, `no site named ${q.site}`, { path: 'site' });
    sites = [wanted];
  } else {
    sites = known;
  }
  return { generatedAt: now, sites: sites.map((s) => siteReport(db, policy, s, q, now)) };
}
