import { api, can, session } from './api.js';
import { ago, badge, h, time, toast } from './dom.js';
import { fleet } from './fleet.js';
import { alertRow } from './alerts.js';
import { hostLogCard } from './host-log.js';

const COLORS = { ready: 'var(--ready)', degraded: 'var(--degraded)', not_ready: 'var(--not-ready)', offline: 'var(--offline)', unknown: 'var(--unknown)' };

/** Up to seven days of verdicts as a coloured bar, oldest left (a new machine's bar starts at its first verdict). */
function timeline(history, now) {
  const changes = [...history].reverse();
  const from = Math.max(now - 7 * 86_400_000, Math.min(changes[0]?.at ?? now, now - 60_000));
  const bar = h('div', { class: 'timeline', title: 'Last 7 days' });
  changes.forEach((c, i) => {
    const start = Math.max(from, c.at);
    const end = i + 1 < changes.length ? changes[i + 1].at : now;
    if (end <= start) return;
    const span = h('span', { title: `${c.verdict} from ${time(c.at)}` });
    span.style.width = `${((end - start) / (now - from)) * 100}%`;
    span.style.background = c.verdict === 'offline' && c.expected ? '#8c959f' : COLORS[c.verdict];
    bar.append(span);
  });
  return bar;
}

function facts(host) {
  const rows = [
    ['Site', host.site ?? '–'],
    ['Group', host.group ?? '–'],
    ['OS', [host.os?.distro ?? host.os?.platform, host.os?.release].filter(Boolean).join(' ')],
    ['Agent', `${host.agentVersion ?? '?'}${host.connected ? ' · connected' : ' · not connected'}`],
    ['Last report', `${time(host.lastReportAt)} (${ago(host.lastReportAt)})`],
    ['Verdict since', time(host.verdictSince)],
  ];
  return h('dl', { class: 'facts' }, rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

function checksTable(checks) {
  if (checks.length === 0) return h('p', { class: 'muted' }, 'No check results yet.');
  const order = { fail: 0, warn: 1, pass: 2 };
  return h(
    'table',
    {},
    h('thead', {}, h('tr', {}, h('th', {}, 'Check'), h('th', {}, 'Status'), h('th', {}, 'Reason'))),
    h('tbody', {}, [...checks].sort((a, b) => order[a.status] - order[b.status]).map((c) => h('tr', {}, h('td', {}, c.instance ? `${c.name} (${c.instance})` : c.name), h('td', { class: `st-${c.status}` }, c.status), h('td', {}, c.reason)))),
  );
}

function inventoryCard(inv) {
  if (!inv) return h('div', { class: 'card' }, h('h2', {}, 'Inventory'), h('p', { class: 'muted' }, 'No inventory received yet.'));
  const hw = inv.hardware ?? {};
  const rows = [
    ['Model', [hw.system?.manufacturer ?? hw.vendor, hw.system?.model ?? hw.model].filter(Boolean).join(' ') || '–'],
    ['CPU', hw.cpu?.brand ?? hw.cpu?.model ?? hw.cpuModel ?? '–'],
    ['Memory', hw.memory?.total ? `${Math.round(hw.memory.total / 2 ** 30)} GiB` : hw.memoryBytes ? `${Math.round(hw.memoryBytes / 2 ** 30)} GiB` : '–'],
    ['Software', `${inv.software?.length ?? 0} packages`],
    ['Collected', time(inv.collectedAt)],
  ];
  const changes = (inv.changes ?? []).slice(0, 15);
  return h(
    'div',
    { class: 'card' },
    h('h2', {}, 'Inventory'),
    h('dl', { class: 'facts' }, rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    changes.length ? h('h2', {}, 'Recent changes') : null,
    changes.length ? h('ul', {}, changes.map((c) => h('li', {}, `${time(c.at)} ${c.change} ${c.name} ${[c.oldVersion, c.newVersion].filter(Boolean).join(' → ')}`))) : null,
  );
}

function maintenanceControls(host, maintenance, reload) {
  if (!can('operator')) return null;
  const hours = h('select', { 'aria-label': 'Maintenance duration' }, [1, 4, 8, 24, 72].map((n) => h('option', { value: n }, `${n} h`)));
  const comment = h('input', { placeholder: 'Why (optional)', 'aria-label': 'Maintenance comment' });
  const active = maintenance && maintenance.until > Date.now();
  return h(
    'div',
    { class: 'actions' },
    h('button', { type: 'button', on: { click: () => api(`/v1/hosts/${host.id}/recheck`, { method: 'POST' }).then(() => toast('Checked again'), (e) => toast(e.message)) } }, 'Check again'),
    active
      ? h('button', { type: 'button', on: { click: () => api(`/v1/hosts/${host.id}/maintenance`, { method: 'DELETE' }).then(reload, (e) => toast(e.message)) } }, `End maintenance (until ${time(maintenance.until)})`)
      : [
          hours,
          comment,
          h(
            'button',
            { type: 'button', on: { click: () => api(`/v1/hosts/${host.id}/maintenance`, { method: 'PUT', body: { durationSec: Number(hours.value) * 3600, by: session.user.name, comment: comment.value } }).then(reload, (e) => toast(e.message)) } },
            'Start maintenance',
          ),
        ],
  );
}

/** One machine: verdict and reasons, checks, history, alerts, maintenance log, inventory. */
export function hostPage(main, id) {
  let closed = false;
  async function load() {
    const now = Date.now();
    const [host, history, alerts, inv, events] = await Promise.all([
      api(`/v1/hosts/${encodeURIComponent(id)}`),
      api(`/v1/hosts/${encodeURIComponent(id)}/history?from=${now - 7 * 86_400_000}`).catch(() => ({ history: [] })),
      api(`/v1/alerts?host=${encodeURIComponent(id)}&limit=20`).catch(() => ({ alerts: [] })),
      api(`/v1/hosts/${encodeURIComponent(id)}/inventory`).catch(() => null),
      api(`/v1/hosts/${encodeURIComponent(id)}/alert-events?limit=1`).catch(() => ({ maintenance: null })),
    ]);
    if (closed) return;
    const reasons = host.reasons.length ? h('ul', { id: 'reasons' }, host.reasons.map((r) => h('li', { class: `st-${r.status}` }, r.reason))) : h('p', { class: 'muted', id: 'reasons' }, 'All checks pass.');
    main.replaceChildren(
      h('p', {}, h('a', { href: '#/' }, '← Board')),
      h('h1', {}, host.hostname, ' ', badge(host.verdict, host.expected)),
      maintenanceControls(host, events.maintenance ?? null, load),
      h(
        'div',
        { class: 'cols' },
        h('div', {}, h('div', { class: 'card' }, h('h2', {}, 'Why'), reasons, facts(host)), h('div', { class: 'card' }, h('h2', {}, 'Checks'), checksTable(host.checks))),
        h(
          'div',
          {},
          h('div', { class: 'card' }, h('h2', {}, 'Verdict history'), timeline(history.history, now), h('ul', {}, history.history.slice(0, 12).map((c) => h('li', {}, `${time(c.at)} — ${c.verdict}${c.reasons[0] ? `: ${c.reasons[0].reason}` : ''}`)))),
          h('div', { class: 'card', id: 'host-alerts' }, h('h2', {}, 'Alerts'), alerts.alerts.length ? h('table', {}, h('tbody', {}, alerts.alerts.map((a) => alertRow(a, load, { host: false })))) : h('p', { class: 'muted' }, 'No alerts.')),
        ),
      ),
      hostLogCard(host, alerts.alerts),
      inventoryCard(inv),
    );
  }
  load().catch((e) => main.replaceChildren(h('p', { class: 'error' }, e.message)));
  // Re-read when this host's verdict changes.
  let seen = fleet.get(id)?.verdictSince;
  const unsubscribe = fleet.subscribe(() => {
    const now = fleet.get(id)?.verdictSince;
    if (now !== seen) {
      seen = now;
      load().catch(() => {});
    }
  });
  return () => {
    closed = true;
    unsubscribe();
  };
}
