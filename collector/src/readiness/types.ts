import type { CheckResult } from '@siaga/shared';

export const VERDICTS = ['ready', 'degraded', 'not_ready', 'offline', 'unknown'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** Stored as `siaga_readiness.verdict_code`, ordered from best to worst for sorting. */
export const VERDICT_CODE: Record<Verdict, number> = { ready: 0, degraded: 1, not_ready: 2, offline: 3, unknown: 4 };

/** Why a host has its verdict, in words a helpdesk can act on. */
export interface Reason {
  /** Check name, or `offline` / `policy` / `never_reported` for verdicts not made of checks. */
  check: string;
  instance?: string;
  status: 'warn' | 'fail' | 'info';
  reason: string;
  observed?: number | string | boolean;
  threshold?: number | string | boolean;
  /** Since when this reason holds (collector clock where known, otherwise the agent's). */
  since?: number;
}

export interface HostReadiness {
  hostId: string;
  verdict: Verdict;
  /** Offline after a goodbye (shutdown, sleep): expected, not an outage. */
  expected: boolean;
  since: number;
  reasons: Reason[];
  /** Check results of the newest live report, plus the collector's inventory checks. */
  checks: CheckResult[];
  lastLiveAt: number | null;
}

export interface VerdictChange {
  hostId: string;
  previous: Pick<HostReadiness, 'verdict' | 'expected'> | null;
  current: HostReadiness;
  at: number;
}
