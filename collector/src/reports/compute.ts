import type { BusinessHours } from '../policy/business-hours.js';
import { businessIntervals, type Interval, overlapMs, totalMs } from './business-time.js';
import { hardwareRisks } from './hardware.js';
import { summarize } from './summary.js';
import { account, blamed, isBad, type Segment, segments } from './timeline.js';
import { type AlertRow, type Cause, emptyBuckets, fullyReady, type HistoryRow, type HostLine, type Incident, readyForUse, type ReportHost, type SiteReport } from './types.js';

export interface SiteInput {
  site: string;
  description: string | null;
  timeZone: string;
  windows: readonly BusinessHours[];
  from: number;
  to: number;
  now: number;
  hosts: readonly ReportHost[];
  /** Per host: the newest verdict change before `from`. */
  initial: ReadonlyMap<string, HistoryRow>;
  /** Per host: verdict changes in [from, to), oldest first. */
  rows: ReadonlyMap<string, readonly HistoryRow[]>;
  /** Per host bad at the end of the period: when it recovered afterwards (null: still bad). */
  recoveredAt: ReadonlyMap<string, number | null>;
  alerts: readonly AlertRow[];
  inventory: SiteReport['inventory'];
  maintenance: Record<string, number>;
  /** A machine with at least this many incidents is listed as failing repeatedly. */
  repeatThreshold?: number;
}

const DAY_NAMES: Record<string, string> = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' };

export function describeHours(windows: readonly BusinessHours[]): string {
  if (windows.length === 0) return 'all hours (no business hours set)';
  return windows.map((w) => `${w.days.map((d) => DAY_NAMES[d]).join(', ')} ${w.from}–${w.to}`).join('; ');
}

/** Runs of consecutive bad segments; an incident ends at the first segment that is not bad. */
function findIncidents(host: ReportHost, segs: readonly Segment[], carriedFrom: number | undefined, periodEnd: number, recoveredAt: number | null | undefined, business: readonly Interval[], alerts: readonly AlertRow[]): Incident[] {
  const out: Incident[] = [];
  let open: Incident | undefined;
  for (const s of segs) {
    if (!isBad(s)) {
      if (open) out.push(Object.assign(open, { end: s.start }));
      open = undefined;
      continue;
    }
    const first = blamed(s)[0] as { check: string; reason: string };
    if (!open) {
      // Already bad when the period began: the incident started at the change before it.
      const start = s === segs[0] && carriedFrom !== undefined ? carriedFrom : s.start;
      open = { hostId: host.id, hostname: host.hostname, start, end: null, verdict: 'not_ready', check: first.check, reason: first.reason, businessMs: 0, timeToAcknowledgeMs: null, acknowledgedBy: null, timeToResolveMs: null };
    }
    if (s.verdict === 'offline') open.verdict = 'offline';
    open.businessMs += overlapMs(s.start, s.end, business);
  }
  if (open) {
    const last = segs[segs.length - 1];
    out.push(Object.assign(open, { end: last && last.end < periodEnd ? last.end : (recoveredAt ?? null) }));
  }
  for (const i of out) {
    i.timeToResolveMs = i.end === null ? null : i.end - i.start;
    const acked = alerts
      .filter((a) => a.hostId === host.id && a.ackedAt !== null && a.activeSince < (i.end ?? Infinity) && (a.resolvedAt ?? Infinity) > i.start)
      .sort((a, b) => (a.ackedAt as number) - (b.ackedAt as number))[0];
    if (acked) {
      i.timeToAcknowledgeMs = Math.max(0, (acked.ackedAt as number) - i.start);
      i.acknowledgedBy = acked.ackedBy;
    }
  }
  return out;
}

/**
 * One site's readiness over [from, to): business-hours time per verdict for every machine,
 * incidents with time to acknowledge and resolve, causes, repeat offenders and hardware at risk.
 */
export function buildSiteReport(input: SiteInput): SiteReport {
  const periodEnd = Math.min(input.to, input.now);
  const business = businessIntervals(input.from, periodEnd, input.timeZone, input.windows);
  const totals = emptyBuckets();
  const hosts: HostLine[] = [];
  const incidents: Incident[] = [];
  const causes = new Map<string, Cause & { hostSet: Set<string> }>();

  for (const host of input.hosts) {
    const end = host.revokedAt !== null ? Math.min(periodEnd, Math.max(input.from, host.revokedAt)) : periodEnd;
    const initial = input.initial.get(host.id);
    const rows = input.rows.get(host.id) ?? [];
    const segs = segments(initial, rows, input.from, end);
    // The first segment carries the verdict in force before the period unless a change opens it.
    const carriedFrom = initial && !(rows[0] && rows[0].at <= input.from) ? initial.at : undefined;
    const buckets = emptyBuckets();
    account(segs, business, buckets);
    for (const k of Object.keys(totals) as Array<keyof typeof totals>) totals[k] += buckets[k];

    const found = findIncidents(host, segs, carriedFrom, periodEnd, input.recoveredAt.get(host.id), business, input.alerts);
    incidents.push(...found);
    for (const s of segs) {
      if (!isBad(s)) continue;
      const ms = overlapMs(s.start, s.end, business);
      for (const b of blamed(s)) {
        const c = causes.get(b.check) ?? { check: b.check, businessMs: 0, incidents: 0, hosts: 0, example: b.reason, hostSet: new Set<string>() };
        c.businessMs += ms;
        c.hostSet.add(host.id);
        causes.set(b.check, c);
      }
    }
    hosts.push({ id: host.id, hostname: host.hostname, group: host.group, buckets, readyPct: readyForUse(buckets), fullyReadyPct: fullyReady(buckets), incidents: found.length });
  }
  for (const i of incidents) {
    const c = causes.get(i.check);
    if (c) c.incidents += 1;
  }

  const threshold = input.repeatThreshold ?? 3;
  const report: SiteReport = {
    site: input.site,
    description: input.description,
    timeZone: input.timeZone,
    businessHours: describeHours(input.windows),
    from: input.from,
    to: input.to,
    businessMs: totalMs(business),
    totals,
    readyPct: readyForUse(totals),
    fullyReadyPct: fullyReady(totals),
    hosts: hosts.sort((a, b) => (a.readyPct ?? 2) - (b.readyPct ?? 2) || a.hostname.localeCompare(b.hostname)),
    incidents: incidents.sort((a, b) => a.start - b.start),
    causes: [...causes.values()].map(({ hostSet, ...c }) => ({ ...c, hosts: hostSet.size })).sort((a, b) => b.businessMs - a.businessMs || b.incidents - a.incidents),
    repeated: hosts.filter((h) => h.incidents >= threshold).map((h) => ({ hostId: h.id, hostname: h.hostname, incidents: h.incidents })).sort((a, b) => b.incidents - a.incidents),
    hardware: input.hosts.flatMap(hardwareRisks),
    inventory: input.inventory,
    maintenance: input.maintenance,
    summary: '',
  };
  report.summary = summarize(report);
  return report;
}
