import { checkLabel, duration, hours, median, pct } from './format.js';
import type { ReadinessReport, SiteReport } from './types.js';
import { describeRange, formatLocal } from './zoned.js';

const esc = (s: unknown): string => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1b1f24;max-width:60rem;margin:1.5rem auto;padding:0 1rem}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.15rem;margin:1.6rem 0 .5rem;border-bottom:2px solid #d0d7de;padding-bottom:.2rem}
.meta{color:#57606a}.summary{font-size:1.1rem;background:#f6f8fa;border-left:4px solid #1f883d;padding:.8rem 1rem;margin:1rem 0}
.figures{display:flex;flex-wrap:wrap;gap:.6rem}.figure{border:1px solid #d0d7de;border-radius:6px;padding:.5rem .8rem;min-width:8rem}
.figure b{display:block;font-size:1.4rem}table{border-collapse:collapse;width:100%;margin:.3rem 0}
th,td{text-align:left;padding:.25rem .4rem;border-bottom:1px solid #eaeef2;vertical-align:top}th{background:#f6f8fa}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}.bar{background:#eaeef2;height:.5rem;border-radius:3px;min-width:4rem}
.bar i{display:block;height:100%;background:#1f883d;border-radius:3px}.fail{color:#cf222e}.warn{color:#9a6700}.note{color:#57606a;font-size:.9rem}
.site{page-break-before:always}.site:first-of-type{page-break-before:auto}
@media print{body{margin:0;max-width:none;font-size:11px}.summary{background:none}h2{page-break-after:avoid}tr{page-break-inside:avoid}@page{size:A4;margin:14mm}}
`;

function table(head: string[], rows: string[][], numeric: number[] = []): string {
  if (rows.length === 0) return '<p class="note">None.</p>';
  const cell = (tag: string, i: number, v: string) => `<${tag}${numeric.includes(i) ? ' class="n"' : ''}>${v}</${tag}>`;
  return `<table><thead><tr>${head.map((h, i) => cell('th', i, esc(h))).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((v, i) => cell('td', i, v)).join('')}</tr>`).join('')}</tbody></table>`;
}

function site(r: SiteReport, index: number): string {
  const at = (t: number) => esc(formatLocal(t, r.timeZone));
  const tta = median(r.incidents.flatMap((i) => (i.timeToAcknowledgeMs === null ? [] : [i.timeToAcknowledgeMs])));
  const ttr = median(r.incidents.flatMap((i) => (i.timeToResolveMs === null ? [] : [i.timeToResolveMs])));
  const figures = [
    ['Ready for use', pct(r.readyPct)],
    ['Without warnings', pct(r.fullyReadyPct)],
    ['Machines', String(r.hosts.length)],
    ['Incidents', String(r.incidents.length)],
    ['Median time to acknowledge', tta === null ? '–' : duration(tta)],
    ['Median time to resolve', ttr === null ? '–' : duration(ttr)],
  ];
  const inv = r.inventory;
  const maint = Object.entries(r.maintenance);
  return `<section class="site">
<h1>Readiness report: ${esc(r.description ?? r.site)}</h1>
<p class="meta">Site ${esc(r.site)} · ${esc(describeRange(r.from, r.to, r.timeZone))} · business hours ${esc(r.businessHours)} (${esc(r.timeZone)}) · ${hours(r.businessMs)} business hours in the period</p>
<p class="summary" id="summary-${index}">${esc(r.summary)}</p>
<div class="figures">${figures.map(([k, v]) => `<div class="figure"><b>${esc(v)}</b>${esc(k)}</div>`).join('')}</div>
<h2>Machines</h2>
${table(
  ['Machine', 'Group', 'Ready for use', '', 'Without warnings', 'Not ready (h)', 'Offline (h)', 'Not in use (h)', 'Incidents'],
  r.hosts.map((h) => [
    esc(h.hostname),
    esc(h.group ?? ''),
    esc(pct(h.readyPct)),
    `<div class="bar"><i style="width:${((h.readyPct ?? 0) * 100).toFixed(1)}%"></i></div>`,
    esc(pct(h.fullyReadyPct)),
    hours(h.buckets.notReady),
    hours(h.buckets.offline),
    hours(h.buckets.notInUse),
    String(h.incidents),
  ]),
  [2, 4, 5, 6, 7, 8],
)}
<h2>Top causes of lost time</h2>
${table(['Cause', 'Business hours lost', 'Incidents', 'Machines', 'Example'], r.causes.map((c) => [esc(checkLabel(c.check)), hours(c.businessMs), String(c.incidents), String(c.hosts), esc(c.example)]), [1, 2, 3])}
<h2>Incidents</h2>
${table(
  ['Machine', 'Began', 'What', 'Cause', 'Business hours', 'Acknowledged after', 'Resolved after'],
  r.incidents.map((i) => [esc(i.hostname), at(i.start), i.verdict === 'offline' ? 'offline' : 'not ready', esc(i.reason), hours(i.businessMs), esc(i.timeToAcknowledgeMs === null ? '–' : `${duration(i.timeToAcknowledgeMs)}${i.acknowledgedBy ? ` (${i.acknowledgedBy})` : ''}`), esc(duration(i.timeToResolveMs))]),
  [4],
)}
<h2>Machines failing repeatedly</h2>
${table(['Machine', 'Incidents'], r.repeated.map((h) => [esc(h.hostname), String(h.incidents)]), [1])}
<h2>Hardware at risk</h2>
${table(['Machine', 'Part', 'Finding'], r.hardware.map((h) => [esc(h.hostname), esc(h.kind.replace('_', ' ')), `<span class="${h.severity}">${esc(h.detail)}</span>`]))}
<h2>Software and hardware changes</h2>
<p>${inv.added} installed, ${inv.removed} removed, ${inv.updated} updated, ${inv.hardware} hardware changes.</p>
${table(['Machine', 'When', 'Change', 'Name', 'Version'], inv.changes.slice(0, 100).map((c) => [esc(c.hostname), at(c.at), esc(c.change), esc(c.name), esc([c.oldVersion, c.newVersion].filter(Boolean).join(' → '))]))}
<h2>Maintenance log</h2>
${maint.length === 0 ? '<p class="note">No entries in the period.</p>' : `<p>${maint.map(([k, n]) => `${esc(n)} ${esc(k.replace('_', ' '))}`).join(', ')}.</p>`}
<p class="note">How time is counted: only business hours in the site's time zone. “Ready for use” is ready or degraded (working, with a warning) divided by the time machines should have been usable: ready, degraded, not ready, and offline without having signed off. Machines that were shut down or asleep (the agent signed off) count as not in use and are left out, as is time with no verdict (before enrollment, or never reported). An incident is an unbroken period of not ready or unexpected offline.</p>
</section>`;
}

/** A self-contained page (inline styles, no scripts) that prints cleanly to PDF. */
export function renderHtml(report: ReadinessReport): string {
  const generated = new Date(report.generatedAt).toISOString().replace('T', ' ').slice(0, 16);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>siaga readiness report</title><style>${STYLE}</style></head><body>
${report.sites.length === 0 ? '<p>No sites with machines.</p>' : report.sites.map(site).join('\n')}
<p class="note">Generated by siaga at ${esc(generated)} UTC.</p>
</body></html>`;
}
