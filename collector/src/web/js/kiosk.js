import { h } from './dom.js';
import { counts, distinct, fleet, select } from './fleet.js';
import { VirtualGrid } from './grid.js';

/**
 * Wall display (?kiosk=1): full screen, large tiles, no controls. Shows one site at a time,
 * worst machines first, and moves on every `rotate` seconds (default 20) through each site's
 * pages. Live through the event stream; the whole fleet is reloaded every few minutes anyway.
 */
export function kioskPage(main, params, reload) {
  document.body.classList.add('kiosk');
  const rotateMs = Math.max(5, Number(params.get('rotate') ?? 20)) * 1000;
  const fixedSite = params.get('site');
  const title = h('div', {}, '');
  const page = h('span', { class: 'page' }, '');
  const summary = h('div', { class: 'summary' });
  const viewport = h('div', { class: 'grid', id: 'grid' });
  main.replaceChildren(h('div', { class: 'kiosk-head' }, title, page), summary, viewport);
  const grid = new VirtualGrid(viewport, { minTile: 260, scroll: false });
  let step = 0;

  function render() {
    const sites = fixedSite ? [fixedSite] : distinct('site');
    if (sites.length === 0) sites.push('');
    // Every (site, page) pair in turn.
    const per = grid.capacity();
    const slots = sites.flatMap((s) => {
      const n = Math.max(1, Math.ceil(select({ site: s }).length / per));
      return Array.from({ length: n }, (_, p) => [s, p, n]);
    });
    const [site, p, pages] = slots[step % slots.length];
    const items = select({ site });
    const c = counts(items);
    title.textContent = `${site || 'All machines'} — ${c.ready + c.degraded} of ${items.length} ready`;
    page.textContent = pages > 1 ? `page ${p + 1} of ${pages}` : new Date().toLocaleTimeString();
    summary.replaceChildren(
      ...[['not_ready', 'not ready'], ['offline', 'offline'], ['degraded', 'degraded'], ['ready', 'ready']].map(([k, label]) => h('button', { type: 'button', dataset: { verdict: k }, tabindex: -1 }, h('b', {}, String(c[k])), label)),
    );
    grid.setItems(items.slice(p * per, (p + 1) * per));
  }

  render();
  const unsubscribe = fleet.subscribe(render);
  const rotate = setInterval(() => {
    step += 1;
    render();
  }, rotateMs);
  const refresh = setInterval(reload, 5 * 60_000);
  return () => {
    unsubscribe();
    clearInterval(rotate);
    clearInterval(refresh);
    grid.destroy();
    document.body.classList.remove('kiosk');
  };
}
