import { describe, expect, it } from 'vitest';
import type { Reason, Verdict } from '../readiness/types.js';
import { buildSiteReport, type SiteInput } from './compute.js';
import { renderCsv } from './render-csv.js';
import { renderHtml } from './render-html.js';
import type { HistoryRow, ReportHost } from './types.js';

const H = 3_600_000;
const at = (day: number, hour: number) => Date.UTC(2026, 10, day, hour); // November 2026; the 2nd is a Monday
const fail = (check: string, reason: string): Reason[] => [{ check, status: 'fail', reason }];
const row = (hostId: string, t: number, verdict: Verdict, reasons: Reason[] = [], expected = false): HistoryRow => ({ hostId, at: t, verdict, expected, reasons });
const host = (id: string, extra: Partial<ReportHost> = {}): ReportHost => ({ id, hostname: id, site: 'hq', group: 'office', revokedAt: null, checks: [], metrics: [], ...extra });

function input(): SiteInput {
  return {
    site: 'hq',
    description: 'Head office',
    timeZone: 'UTC',
    windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' }],
    from: at(2, 0),
    to: at(4, 0),
    now: at(20, 0),
    hosts: [host('ws-a'), host('ws-b', { metrics: [{ m: 'battery', fields: { health_percent: 55 } }] }), host('ws-c')],
    initial: new Map([
      ['ws-a', row('ws-a', at(1, 8), 'ready')],
      ['ws-c', row('ws-c', at(1, 6), 'not_ready', fail('memory', 'Memory 2% available (needs 5%)'))],
    ]),
    rows: new Map([
      ['ws-a', [row('ws-a', at(2, 10), 'not_ready', fail('disk_space', 'Disk C: 3% free (needs 10%)')), row('ws-a', at(2, 11), 'offline', [{ check: 'offline', status: 'fail', reason: 'No report for 60 s' }]), row('ws-a', at(2, 12), 'ready'), row('ws-a', at(3, 18), 'offline', [], true)]],
      ['ws-b', [row('ws-b', at(2, 13), 'ready'), row('ws-b', at(3, 9), 'offline', [], true)]],
      ['ws-c', [row('ws-c', at(2, 10), 'degraded', [{ check: 'memory', status: 'warn', reason: 'Memory 8% available' }])]],
    ]),
    recoveredAt: new Map(),
    alerts: [{ id: 'al1', hostId: 'ws-a', rule: 'host_not_ready', activeSince: at(2, 10), firedAt: at(2, 10), resolvedAt: at(2, 12), ackedAt: at(2, 10) + 15 * 60_000, ackedBy: 'budi' }],
    inventory: { added: 0, removed: 0, updated: 0, hardware: 0, changes: [] },
    maintenance: { repair: 1 },
  };
}

describe('site readiness report', () => {
  const r = buildSiteReport(input());
  const byName = Object.fromEntries(r.hosts.map((h) => [h.hostname, h]));

  it('counts business hours per verdict, leaving out machines that signed off and time before any data', () => {
    expect(r.businessMs).toBe(16 * H);
    expect(byName['ws-a']?.buckets).toMatchObject({ ready: 14 * H, notReady: H, offline: H, notInUse: 0 });
    expect(byName['ws-a']?.readyPct).toBeCloseTo(14 / 16, 10);
    expect(byName['ws-b']?.buckets).toMatchObject({ noData: 4 * H, ready: 4 * H, notInUse: 8 * H });
    expect(byName['ws-b']?.readyPct).toBe(1);
    expect(byName['ws-c']?.buckets).toMatchObject({ notReady: H, degraded: 15 * H });
    expect(byName['ws-c']?.readyPct).toBeCloseTo(15 / 16, 10);
    expect(byName['ws-c']?.fullyReadyPct).toBe(0);
    expect(r.readyPct).toBeCloseTo(33 / 36, 10);
  });

  it('finds incidents, merging not ready into offline, with time to acknowledge and to resolve', () => {
    expect(r.incidents.map((i) => [i.hostname, i.verdict, i.check, i.businessMs, i.timeToAcknowledgeMs, i.acknowledgedBy, i.timeToResolveMs])).toEqual([
      ['ws-c', 'not_ready', 'memory', H, null, null, at(2, 10) - at(1, 6)],
      ['ws-a', 'offline', 'disk_space', 2 * H, 15 * 60_000, 'budi', 2 * H],
    ]);
  });

  it('ranks causes by business time lost and lists hardware at risk', () => {
    expect(r.causes.map((c) => [c.check, c.businessMs, c.incidents, c.hosts])).toEqual([
      ['disk_space', H, 1, 1],
      ['memory', H, 1, 1],
      ['offline', H, 0, 1],
    ]);
    expect(r.hardware).toEqual([{ hostId: 'ws-b', hostname: 'ws-b', kind: 'battery', severity: 'warn', detail: 'Battery holds 55% of its design capacity' }]);
    expect(r.repeated).toEqual([]);
  });

  it('opens with a plain-language summary with the same numbers', () => {
    expect(r.summary).toContain('Over 2–3 November 2026, the 3 machines at Head office (hq) were ready for use 91.7 % of business hours');
    expect(r.summary).toContain('Most lost time came from disk space (1.0 h on 1 machine');
    expect(r.summary).toContain('There were 2 incidents (2 during business hours)');
    expect(r.summary).toContain('Hardware at risk: 1 worn battery');
  });

  it('renders CSV rows per machine and per site, defusing spreadsheet formulas', () => {
    const csv = renderCsv({ generatedAt: 0, sites: [{ ...r, hosts: [...r.hosts, { ...r.hosts[0]!, hostname: '=HYPERLINK("x")' }] }] });
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('site,machine,machine_id,group,business_hours,ready_hours,degraded_hours,not_ready_hours,offline_hours,not_in_use_hours,unknown_hours,no_data_hours,ready_for_use_percent,fully_ready_percent,incidents');
    expect(lines).toContain('hq,ws-a,ws-a,office,16.00,14.00,0.00,1.00,1.00,0.00,0.00,0.00,87.50,87.50,1');
    expect(lines).toContain('hq,(all),,,48.00,18.00,15.00,2.00,1.00,8.00,0.00,4.00,91.67,50.00,2');
    expect(lines.some((l) => l.includes(`"'=HYPERLINK(""x"")"`))).toBe(true);
  });

  it('renders printable HTML with the summary and every text escaped', () => {
    const html = renderHtml({ generatedAt: 0, sites: [{ ...r, hosts: [{ ...r.hosts[0]!, hostname: '<script>alert(1)</script>' }] }] });
    expect(html).toContain('@media print');
    expect(html).toContain('were ready for use 91.7 % of business hours');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;');
  });
});
