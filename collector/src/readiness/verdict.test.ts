import type { CheckResult } from '@siaga/shared';
import { describe, expect, it } from 'vitest';
import { type Evidence, judge } from './verdict.js';

const T = 1_790_000_000_000;
const check = (name: string, status: CheckResult['status'], reason = `${name} ${status}`): CheckResult => ({ name, status, reason, since: T - 5_000 });
const evidence = (over: Partial<Evidence> = {}): Evidence => ({ checks: [], lastLiveAt: T - 1_000, goodbye: null, freshnessMs: 45_000, graceUntil: 0, stalePolicy: null, ...over });

describe('verdict', () => {
  it('is ready when every check passes, with no reasons', () => {
    expect(judge(evidence({ checks: [check('disk_space', 'pass')] }), T)).toEqual({ verdict: 'ready', expected: false, reasons: [] });
  });

  it('is degraded on a warning and not_ready on a failure, giving only the reasons that matter', () => {
    const degraded = judge(evidence({ checks: [check('disk_space', 'pass'), check('battery_health', 'warn', 'Battery worn')] }), T);
    expect(degraded.verdict).toBe('degraded');
    expect(degraded.reasons).toEqual([{ check: 'battery_health', status: 'warn', reason: 'Battery worn', since: T - 5_000 }]);
    const failing = judge(evidence({ checks: [check('battery_health', 'warn'), { ...check('disk_space', 'fail', 'Disk C: 3% free (needs 10%)'), instance: 'C:', observed: 3, threshold: 10 }] }), T);
    expect(failing).toEqual({ verdict: 'not_ready', expected: false, reasons: [{ check: 'disk_space', instance: 'C:', status: 'fail', reason: 'Disk C: 3% free (needs 10%)', observed: 3, threshold: 10, since: T - 5_000 }] });
  });

  it('is offline once the last report is older than the freshness limit, on the collector clock', () => {
    expect(judge(evidence({ lastLiveAt: T - 45_000 }), T).verdict).toBe('ready');
    const offline = judge(evidence({ lastLiveAt: T - 46_000, checks: [check('disk_space', 'fail')] }), T);
    expect(offline.verdict).toBe('offline');
    expect(offline.expected).toBe(false);
    expect(offline.reasons[0]?.reason).toMatch(/^No report for 46 s \(limit 45 s\); last report /);
  });

  it('does not call a host offline while its connection delivers frames the collector has not processed yet', () => {
    expect(judge(evidence({ lastLiveAt: T - 60_000, heardAt: T - 2_000 }), T).verdict).toBe('ready');
    expect(judge(evidence({ lastLiveAt: T - 60_000, heardAt: T - 46_000 }), T).verdict).toBe('offline');
  });

  it('does not call a host offline during the start-up grace of a restarted collector', () => {
    const startedAt = T - 10_000;
    expect(judge(evidence({ lastLiveAt: T - 3_600_000, graceUntil: startedAt + 45_000 }), T).verdict).toBe('ready');
    expect(judge(evidence({ lastLiveAt: T - 3_600_000, graceUntil: startedAt + 45_000 }), startedAt + 46_000).verdict).toBe('offline');
  });

  it('is offline (expected) after a goodbye, until the next live report', () => {
    const gone = judge(evidence({ goodbye: { reason: 'sleep', at: T - 500 } }), T + 3_600_000);
    expect(gone).toMatchObject({ verdict: 'offline', expected: true });
    expect(gone.reasons[0]?.reason).toMatch(/^Agent signed off \(sleep\)/);
    expect(judge(evidence({ goodbye: { reason: 'sleep', at: T - 2_000 }, lastLiveAt: T - 1_000 }), T).verdict).toBe('ready');
  });

  it('is unknown before the first report and while the agent runs another policy', () => {
    expect(judge(evidence({ lastLiveAt: null }), T)).toMatchObject({ verdict: 'unknown', reasons: [{ check: 'never_reported' }] });
    const stale = judge(evidence({ stalePolicy: { runs: 'a1', expected: 'b2', since: T - 60_000 } }), T);
    expect(stale).toMatchObject({ verdict: 'unknown', reasons: [{ check: 'policy', reason: 'Agent runs policy a1, expected b2' }] });
  });
});
