import type { Reason, Verdict } from '../readiness/types.js';
import { type Interval, overlapMs } from './business-time.js';
import type { Buckets, HistoryRow } from './types.js';

export interface Segment {
  start: number;
  end: number;
  verdict: Verdict | 'no_data';
  expected: boolean;
  reasons: Reason[];
}

/**
 * A host's verdicts over [from, end) as consecutive segments: the verdict in force at `from`
 * (the newest change before it), then each change. Before any change is known there is no data.
 */
export function segments(initial: HistoryRow | undefined, rows: readonly HistoryRow[], from: number, end: number): Segment[] {
  const out: Segment[] = [];
  let cursor = from;
  let state: Omit<Segment, 'start' | 'end'> = initial ? { verdict: initial.verdict, expected: initial.expected, reasons: initial.reasons } : { verdict: 'no_data', expected: false, reasons: [] };
  for (const r of rows) {
    if (r.at >= end) break;
    const at = Math.max(r.at, from);
    if (at > cursor) out.push({ start: cursor, end: at, ...state });
    cursor = Math.max(cursor, at);
    state = { verdict: r.verdict, expected: r.expected, reasons: r.reasons };
  }
  if (end > cursor) out.push({ start: cursor, end, ...state });
  return out;
}

export function bucketOf(s: Pick<Segment, 'verdict' | 'expected'>): keyof Buckets {
  switch (s.verdict) {
    case 'ready':
      return 'ready';
    case 'degraded':
      return 'degraded';
    case 'not_ready':
      return 'notReady';
    case 'offline':
      return s.expected ? 'notInUse' : 'offline';
    case 'unknown':
      return 'unknown';
    default:
      return 'noData';
  }
}

/** Not ready, or offline without having signed off: the machine should work and does not. */
export const isBad = (s: Pick<Segment, 'verdict' | 'expected'>): boolean => s.verdict === 'not_ready' || (s.verdict === 'offline' && !s.expected);

/** The checks a bad segment is blamed on. */
export function blamed(s: Segment): Array<{ check: string; reason: string }> {
  if (s.verdict === 'offline') return [{ check: 'offline', reason: s.reasons[0]?.reason ?? 'No report' }];
  const failing = s.reasons.filter((r) => r.status === 'fail');
  const seen = new Map<string, string>();
  for (const r of failing) if (!seen.has(r.check)) seen.set(r.check, r.reason);
  return seen.size > 0 ? [...seen].map(([check, reason]) => ({ check, reason })) : [{ check: 'unspecified', reason: 'not ready (no reason recorded)' }];
}

export function account(segs: readonly Segment[], business: readonly Interval[], add: Buckets): void {
  for (const s of segs) add[bucketOf(s)] += overlapMs(s.start, s.end, business);
}
