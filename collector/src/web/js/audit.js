import { api } from './api.js';
import { h, time } from './dom.js';

/** Who changed what (admins). */
export function auditPage(main) {
  const tbody = h('tbody', {});
  const more = h('button', { type: 'button' }, 'Older');
  let before;
  async function load() {
    const { entries } = await api(`/v1/audit?limit=200${before ? `&before=${before}` : ''}`);
    tbody.append(...entries.map((e) => h('tr', {}, h('td', {}, time(e.at)), h('td', {}, `${e.actor} (${e.via})`), h('td', {}, e.action), h('td', {}, e.target ?? ''), h('td', {}, JSON.stringify(e.detail).slice(0, 200)), h('td', {}, e.ip ?? ''))));
    before = entries.at(-1)?.id;
    more.hidden = entries.length < 200;
  }
  more.addEventListener('click', () => load());
  main.replaceChildren(
    h('h1', {}, 'Audit log'),
    h('div', { class: 'card' }, h('table', { id: 'audit' }, h('thead', {}, h('tr', {}, ['When', 'Who', 'Action', 'Target', 'Detail', 'Address'].map((t) => h('th', {}, t)))), tbody), more),
  );
  load().catch((e) => main.append(h('p', { class: 'error' }, e.message)));
  return () => {};
}
