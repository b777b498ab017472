import type { CheckResult } from '@siaga/shared';
import type { Reason, Verdict } from './types.js';

/** What the engine knows about a host when it judges it. */
export interface Evidence {
  /** Newest live report's check results and the collector's inventory checks. */
  checks: readonly CheckResult[];
  /** Collector clock of the newest live report; null if never. */
  lastLiveAt: number | null;
  /**
   * When the host's connection last delivered a frame, read but maybe not yet processed (the
   * collector holds frames while it is busy): a host that is talking is not offline.
   */
  heardAt?: number;
  goodbye: { reason: string; at: number } | null;
  /** No report for this long → offline. */
  freshnessMs: number;
  /** Reports are not judged stale before this instant (start-up grace after a collector restart). */
  graceUntil: number;
  /** The agent runs another policy than it should, since when (null when it runs the right one). */
  stalePolicy: { runs: string | undefined; expected: string; since: number } | null;
}

export interface Judgement {
  verdict: Verdict;
  expected: boolean;
  reasons: Reason[];
}

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;
const clock = (at: number) => new Date(at).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';

function fromCheck(c: CheckResult): Reason {
  const r: Reason = { check: c.name, status: c.status === 'fail' ? 'fail' : 'warn', reason: c.reason };
  if (c.instance !== undefined) r.instance = c.instance;
  if (c.observed !== undefined) r.observed = c.observed;
  if (c.threshold !== undefined) r.threshold = c.threshold;
  if (c.since !== undefined) r.since = c.since;
  return r;
}

/**
 * The verdict of one host, always with its reasons: offline and unknown first (no fresh
 * evidence), then the worst check.
 */
export function judge(e: Evidence, now: number): Judgement {
  if (e.goodbye && (e.lastLiveAt === null || e.goodbye.at >= e.lastLiveAt)) {
    return { verdict: 'offline', expected: true, reasons: [{ check: 'offline', status: 'info', reason: `Agent signed off (${e.goodbye.reason}) at ${clock(e.goodbye.at)}`, since: e.goodbye.at }] };
  }
  if (e.lastLiveAt === null) {
    return { verdict: 'unknown', expected: false, reasons: [{ check: 'never_reported', status: 'info', reason: 'No report received yet' }] };
  }
  const silentFor = now - Math.max(e.lastLiveAt, e.heardAt ?? 0, e.graceUntil - e.freshnessMs);
  if (silentFor > e.freshnessMs) {
    return {
      verdict: 'offline',
      expected: false,
      reasons: [{ check: 'offline', status: 'fail', reason: `No report for ${seconds(now - e.lastLiveAt)} (limit ${seconds(e.freshnessMs)}); last report ${clock(e.lastLiveAt)}`, since: e.lastLiveAt + e.freshnessMs }],
    };
  }
  if (e.stalePolicy) {
    return {
      verdict: 'unknown',
      expected: false,
      reasons: [{ check: 'policy', status: 'info', reason: `Agent runs policy ${e.stalePolicy.runs ?? 'none'}, expected ${e.stalePolicy.expected}`, since: e.stalePolicy.since }],
    };
  }
  const failing = e.checks.filter((c) => c.status === 'fail').map(fromCheck);
  if (failing.length > 0) return { verdict: 'not_ready', expected: false, reasons: failing };
  const warning = e.checks.filter((c) => c.status === 'warn').map(fromCheck);
  if (warning.length > 0) return { verdict: 'degraded', expected: false, reasons: warning };
  return { verdict: 'ready', expected: false, reasons: [] };
}
