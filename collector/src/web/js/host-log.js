import { api, can } from './api.js';
import { h, time, toast } from './dom.js';
import { liveLog } from './live.js';

export const KINDS = { repair: 'Repair', inspection: 'Inspection', part_replacement: 'Part replaced', training: 'Training', note: 'Note', alert: 'Alert' };

function entry(e) {
  return h(
    'div',
    { class: `log-entry k-${e.kind}`, dataset: { id: e.id } },
    h('div', { class: 'when' }, `${time(e.at)} · ${KINDS[e.kind] ?? e.kind} · ${e.author}${e.alertId ? ` · alert ${e.alertId.slice(0, 8)}` : ''}`),
    h('div', { class: 'text' }, e.text),
  );
}

/** The machine's maintenance log, newest first, with a form for technicians (operators and up). */
export function hostLogCard(host, alerts) {
  const list = h('div', { id: 'host-log' }, h('p', { class: 'muted' }, 'Loading…'));
  const card = h('div', { class: 'card' }, h('h2', {}, 'Maintenance log'));
  if (can('operator')) {
    const kind = h('select', { name: 'kind', 'aria-label': 'Kind' }, Object.entries(KINDS).filter(([k]) => k !== 'alert').map(([k, v]) => h('option', { value: k }, v)));
    const text = h('textarea', { name: 'text', required: true, maxlength: 4000, placeholder: 'What was done', 'aria-label': 'What was done' });
    const when = h('input', { type: 'datetime-local', name: 'at', 'aria-label': 'When' });
    const alert = h('select', { name: 'alertId', 'aria-label': 'Related alert' }, h('option', { value: '' }, 'No alert'), alerts.map((a) => h('option', { value: a.id }, `${a.rule}: ${a.reason}`.slice(0, 80))));
    const form = h(
      'form',
      {
        class: 'inline',
        id: 'log-form',
        on: {
          submit: async (ev) => {
            ev.preventDefault();
            const body = { kind: kind.value, text: text.value };
            if (when.value) body.at = new Date(when.value).getTime();
            if (alert.value) body.alertId = alert.value;
            try {
              await api(`/v1/hosts/${host.id}/log`, { method: 'POST', body });
              text.value = '';
              toast('Entry added');
            } catch (e) {
              toast(e.message);
            }
          },
        },
      },
      h('label', {}, 'Kind', kind),
      h('label', {}, 'What was done', text),
      h('label', {}, 'When', when),
      h('label', {}, 'Alert', alert),
      h('button', { type: 'submit', class: 'primary' }, 'Add entry'),
    );
    card.append(form);
  }
  card.append(list);
  const shown = new Set();
  const add = (entries, top) => {
    for (const e of entries) {
      if (e.hostId !== host.id || shown.has(e.id)) continue;
      shown.add(e.id);
      if (top) list.prepend(entry(e));
      else list.append(entry(e));
    }
  };
  api(`/v1/hosts/${host.id}/log?limit=100`).then(
    (r) => {
      list.replaceChildren();
      add(r.entries, false);
      if (r.entries.length === 0) list.append(h('p', { class: 'muted', id: 'log-empty' }, 'Nothing recorded yet.'));
    },
    (e) => list.replaceChildren(h('p', { class: 'error' }, e.message)),
  );
  liveLog.listener = (entries) => {
    list.querySelector('#log-empty')?.remove();
    add(entries, true);
  };
  return card;
}
