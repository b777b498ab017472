import { api } from './api.js';
import { h } from './dom.js';
import { distinct } from './fleet.js';

const day = (d) => d.toISOString().slice(0, 10);

/** Readiness report for managers: pick a site and dates, read it here, print it or take the CSV. */
export function reportsPage(main, params) {
  const today = new Date();
  const monthAgo = new Date(today.getTime() - 30 * 86_400_000);
  const site = h('select', { name: 'site', 'aria-label': 'Site' }, h('option', { value: '' }, 'All sites'));
  const from = h('input', { type: 'date', name: 'from', value: params.get('from') ?? day(monthAgo), 'aria-label': 'From' });
  const to = h('input', { type: 'date', name: 'to', value: params.get('to') ?? day(today), 'aria-label': 'To' });
  const frame = h('iframe', { class: 'report-frame', title: 'Readiness report', id: 'report-frame' });
  const links = h('div', { class: 'actions' });
  const query = () => new URLSearchParams(Object.entries({ site: site.value, from: from.value, to: to.value }).filter(([, v]) => v));
  const show = () => {
    const q = query();
    frame.src = `/v1/reports/readiness?${q}&format=html`;
    links.replaceChildren(h('a', { href: `/v1/reports/readiness?${q}&format=html`, target: '_blank', rel: 'noopener' }, 'Open printable page'), h('a', { href: `/v1/reports/readiness?${q}&format=csv`, download: '' }, 'Download CSV'));
    history.replaceState(null, '', `#/reports?${q}`);
  };
  main.replaceChildren(
    h('h1', {}, 'Readiness report'),
    h('form', { class: 'inline', on: { submit: (ev) => (ev.preventDefault(), show()) } }, h('label', {}, 'Site', site), h('label', {}, 'From', from), h('label', {}, 'To (inclusive)', to), h('button', { type: 'submit', class: 'primary' }, 'Show report')),
    links,
    frame,
  );
  api('/v1/policy')
    .then((p) => [...new Set([...(p.sites ?? []), ...distinct('site')])].sort())
    .catch(() => distinct('site'))
    .then((sites) => {
      site.append(...sites.map((s) => h('option', { value: s }, s)));
      site.value = params.get('site') ?? '';
      show();
    });
  return () => {};
}
