import { h } from './dom.js';
import { counts, distinct, fleet, select } from './fleet.js';
import { VirtualGrid } from './grid.js';

const SUMMARY = [
  ['not_ready', 'Not ready'],
  ['offline', 'Offline'],
  ['degraded', 'Degraded'],
  ['unknown', 'Unknown'],
  ['offline_expected', 'Signed off'],
  ['ready', 'Ready'],
];

/** Filters live in the address (#/?site=hq&verdict=not_ready), so a filtered board can be shared. */
function readFilter(params) {
  return { site: params.get('site') ?? '', group: params.get('group') ?? '', verdict: params.get('verdict') ?? '', q: params.get('q') ?? '' };
}

function writeFilter(f) {
  const p = new URLSearchParams(Object.entries(f).filter(([, v]) => v));
  history.replaceState(null, "", `#/${p.toString() ? `?${p}` : ""}`);
}

function options(values, all) {
  return [h('option', { value: '' }, all), ...values.map((v) => h('option', { value: v }, v))];
}

/** The fleet grid: every machine coloured by verdict with its top reason, filters on top. */
export function boardPage(main, params) {
  const filter = readFilter(params);
  const site = h('select', { 'aria-label': 'Site', on: { change: () => update({ site: site.value }) } });
  const group = h('select', { 'aria-label': 'Group', on: { change: () => update({ group: group.value }) } });
  const verdict = h('select', { 'aria-label': 'Verdict', on: { change: () => update({ verdict: verdict.value }) } }, options(SUMMARY.map(([v]) => v), 'Any verdict'));
  const search = h('input', { type: 'search', placeholder: 'Search hosts and reasons', value: filter.q, 'aria-label': 'Search', on: { input: () => update({ q: search.value }) } });
  const summary = h('div', { class: 'summary', id: 'summary' });
  const viewport = h('div', { class: 'grid', id: 'grid', role: 'list' });
  const empty = h('p', { class: 'empty', hidden: true }, 'No hosts match.');
  main.replaceChildren(h('div', { class: 'toolbar' }, site, group, verdict, search), summary, viewport, empty);
  const grid = new VirtualGrid(viewport);
  // For measuring: the first time the grid shows the loaded fleet.
  viewport.addEventListener('rendered', (ev) => {
    if (ev.detail.total > 0 && performance.getEntriesByName('siaga:grid-rendered').length === 0) performance.mark('siaga:grid-rendered', { detail: ev.detail });
  });

  function update(change) {
    Object.assign(filter, change);
    writeFilter(filter);
    render();
  }

  function refreshSelect(el, values, all, current) {
    if (el.options.length - 1 !== values.length) el.replaceChildren(...options(values, all));
    el.value = current;
  }

  function render() {
    refreshSelect(site, distinct('site'), 'All sites', filter.site);
    refreshSelect(group, distinct('group'), 'All groups', filter.group);
    verdict.value = filter.verdict;
    const scope = select({ ...filter, verdict: '' });
    const c = counts(scope);
    summary.replaceChildren(
      ...SUMMARY.map(([key, label]) =>
        h('button', { type: 'button', class: `${filter.verdict === key ? 'on' : ''}`, dataset: { verdict: key }, on: { click: () => update({ verdict: filter.verdict === key ? '' : key }) } }, h('b', {}, String(c[key])), label),
      ),
    );
    const items = select(filter);
    empty.hidden = items.length > 0 || fleet.size === 0;
    grid.setItems(items);
  }

  render();
  const unsubscribe = fleet.subscribe(render);
  return () => {
    unsubscribe();
    grid.destroy();
  };
}
