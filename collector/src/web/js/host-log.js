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
  // Entries by id, shown in the store's order (newest first). The live feed may deliver an
  // entry before the first page of the log has loaded; both land here and neither is lost.
  const entries = new Map();
  let loaded = false;
  const render = () => {
    const sorted = [...entries.values()].sort((a, b) => b.at - a.at || b.id - a.id);
    list.replaceChildren(...sorted.map(entry));
    if (loaded && sorted.length === 0) list.append(h('p', { class: 'muted', id: 'log-empty' }, 'Nothing recorded yet.'));
  };
  const add = (incoming) => {
    for (const e of incoming) if (e.hostId === host.id) entries.set(e.id, e);
    if (loaded) render();
  };
  api(`/v1/hosts/${host.id}/log?limit=100`).then(
    (r) => {
      loaded = true;
      add(r.entries);
    },
    (e) => list.replaceChildren(h('p', { class: 'error' }, e.message)),
  );
  liveLog.listener = add;
  return card;
}
