import type { ReadinessReport } from './types.js';

const HEADER = ['site', 'machine', 'machine_id', 'group', 'business_hours', 'ready_hours', 'degraded_hours', 'not_ready_hours', 'offline_hours', 'not_in_use_hours', 'unknown_hours', 'no_data_hours', 'ready_for_use_percent', 'fully_ready_percent', 'incidents'];

/** RFC 4180 quoting; a leading = + - @ is defused so a spreadsheet never runs it as a formula. */
function field(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const h = (ms: number) => (ms / 3_600_000).toFixed(2);
const p = (x: number | null) => (x === null ? '' : (x * 100).toFixed(2));

/** One row per machine and one `(all)` row per site: business-hours time by verdict. */
export function renderCsv(report: ReadinessReport): string {
  const lines = [HEADER.join(',')];
  for (const s of report.sites) {
    const rows = [
      ...s.hosts.map((m) => ({ name: m.hostname, id: m.id, group: m.group, b: m.buckets, ready: m.readyPct, fully: m.fullyReadyPct, incidents: m.incidents })),
      { name: '(all)', id: '', group: '', b: s.totals, ready: s.readyPct, fully: s.fullyReadyPct, incidents: s.incidents.length },
    ];
    for (const r of rows) {
      const total = Object.values(r.b).reduce((a, b) => a + b, 0);
      lines.push([s.site, r.name, r.id, r.group, h(total), h(r.b.ready), h(r.b.degraded), h(r.b.notReady), h(r.b.offline), h(r.b.notInUse), h(r.b.unknown), h(r.b.noData), p(r.ready), p(r.fully), r.incidents].map(field).join(','));
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}
