import { describe, expect, it } from 'vitest';
import type { HostStore, ReportRecord } from './hosts.js';
import { LATEST_REPORT_EVERY_MS, ReportRecorder } from './report-recorder.js';

describe('ReportRecorder', () => {
  it('keeps a host’s first report as its latest, then one interval report a minute; changes and rechecks always', () => {
    const r = new ReportRecorder({} as HostStore);
    const T = 1_000_000;
    expect(r.keepsAsLatest('a', 'interval', T)).toBe(true);
    expect(r.keepsAsLatest('a', 'interval', T + 15_000)).toBe(false);
    expect(r.keepsAsLatest('b', 'interval', T + 15_000), 'another host has its own minute').toBe(true);
    expect(r.keepsAsLatest('a', 'change', T + 20_000)).toBe(true);
    expect(r.keepsAsLatest('a', 'recheck', T + 21_000)).toBe(true);
    expect(r.keepsAsLatest('a', 'interval', T + 21_000 + LATEST_REPORT_EVERY_MS - 1)).toBe(false);
    expect(r.keepsAsLatest('a', 'interval', T + 21_000 + LATEST_REPORT_EVERY_MS)).toBe(true);
  });

  it('commits the reports of one turn in one transaction, the newest per host, and settles every caller', async () => {
    const batches: ReportRecord[][] = [];
    const r = new ReportRecorder({ recordReports: (reports: Iterable<ReportRecord>) => batches.push([...reports]) } as unknown as HostStore);
    const row = (hostId: string, seq: number, json?: string): ReportRecord => ({ hostId, seq, collectedAt: seq, receivedAt: seq, ...(json ? { json } : {}) });
    await Promise.all([r.record(row('a', 1, '{"seq":1}')), r.record(row('a', 2)), r.record(row('b', 7))]);
    // Seq 2 is recorded, with the JSON of seq 1 (the one kept as the latest).
    expect(batches).toEqual([[row('a', 2, '{"seq":1}'), row('b', 7)]]);
  });
});
