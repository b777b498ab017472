import type { CheckResult } from '@siaga/shared';
import type { Reason, Verdict } from '../readiness/types.js';

/**
 * How business-hours time is classed. `notInUse` is offline after the agent signed off
 * (shutdown, sleep); `unknown` is time no verdict could be made (never reported, stale policy);
 * `noData` is before the host's first verdict (not yet enrolled). Those three are left out of
 * the ready-for-use percentage; the other four make up the time the machine should have been usable.
 */
export interface Buckets {
  ready: number;
  degraded: number;
  notReady: number;
  offline: number;
  notInUse: number;
  unknown: number;
  noData: number;
}

export const emptyBuckets = (): Buckets => ({ ready: 0, degraded: 0, notReady: 0, offline: 0, notInUse: 0, unknown: 0, noData: 0 });

/** Ready or degraded (working, with a warning) ÷ ready + degraded + not ready + offline. */
export function readyForUse(b: Buckets): number | null {
  const inUse = b.ready + b.degraded + b.notReady + b.offline;
  return inUse > 0 ? (b.ready + b.degraded) / inUse : null;
}

/** Ready with no warning at all, over the same time. */
export function fullyReady(b: Buckets): number | null {
  const inUse = b.ready + b.degraded + b.notReady + b.offline;
  return inUse > 0 ? b.ready / inUse : null;
}

export interface HistoryRow {
  hostId: string;
  at: number;
  verdict: Verdict;
  expected: boolean;
  reasons: Reason[];
}

export interface ReportHost {
  id: string;
  hostname: string;
  site: string | null;
  group: string | null;
  revokedAt: number | null;
  /** Current check results (hardware at risk). */
  checks: CheckResult[];
  /** Newest report's metrics (hardware at risk). */
  metrics: Array<{ m: string; tags?: Record<string, string>; fields: Record<string, number | string | boolean> }>;
}

export interface AlertRow {
  id: string;
  hostId: string;
  rule: string;
  activeSince: number;
  firedAt: number | null;
  resolvedAt: number | null;
  ackedAt: number | null;
  ackedBy: string | null;
}

export interface Incident {
  hostId: string;
  hostname: string;
  start: number;
  /** Null while it lasts. */
  end: number | null;
  /** Worst verdict during the incident. */
  verdict: 'not_ready' | 'offline';
  check: string;
  reason: string;
  businessMs: number;
  timeToAcknowledgeMs: number | null;
  acknowledgedBy: string | null;
  timeToResolveMs: number | null;
}

export interface Cause {
  check: string;
  /** Business-hours time lost while this check failed (a period with two failing checks counts for both). */
  businessMs: number;
  incidents: number;
  hosts: number;
  example: string;
}

export interface HardwareRisk {
  hostId: string;
  hostname: string;
  kind: 'battery' | 'disk_health' | 'disk_space' | 'temperature';
  severity: 'warn' | 'fail';
  detail: string;
}

export interface HostLine {
  id: string;
  hostname: string;
  group: string | null;
  buckets: Buckets;
  readyPct: number | null;
  fullyReadyPct: number | null;
  incidents: number;
}

export interface SiteReport {
  site: string;
  description: string | null;
  timeZone: string;
  businessHours: string;
  from: number;
  to: number;
  /** Calendar business time in the period (per machine). */
  businessMs: number;
  totals: Buckets;
  readyPct: number | null;
  fullyReadyPct: number | null;
  hosts: HostLine[];
  incidents: Incident[];
  causes: Cause[];
  repeated: Array<{ hostId: string; hostname: string; incidents: number }>;
  hardware: HardwareRisk[];
  inventory: { added: number; removed: number; updated: number; hardware: number; changes: Array<{ hostname: string; at: number; change: string; name: string; oldVersion: string | null; newVersion: string | null }> };
  maintenance: Record<string, number>;
  summary: string;
}

export interface ReadinessReport {
  generatedAt: number;
  sites: SiteReport[];
}
