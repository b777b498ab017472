import { h } from './dom.js';
import { counts, distinct, fleet, select } from './fleet.js';
import { VirtualGrid } from './grid.js';

/**
 * Wall display (?kiosk=1): full screen, large tiles, no controls. Shows one site at a time and
 * moves on every `rotate` seconds (default 20). A site that fits on the screen is shown whole;
 * a bigger one shows only its machines that need attention, worst first, page by page, with the
 * ready count in the heading. Live through the event stream; the fleet is reloaded every few
 * minutes anyway.
 */
export function kioskPage(main, params, reload) {
  document.body.classList.add('kiosk');
  const rotateMs = Math.max(3, Number(params.get('rotate') ?? 20)) * 1000;
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
    const per = grid.capacity();
    const shown = (site) => {
      const all = select({ site });
      if (all.length <= per) return all;
      const attention = all.filter((h) => h.verdict !== 'ready' && !(h.verdict === 'offline' && h.expected));
      return attention.length > 0 ? attention : all.slice(0, per);
    };
    // Every (site, page) pair in turn.
    const slots = sites.flatMap((s) => {
      const n = Math.max(1, Math.ceil(shown(s).length / per));
      return Array.from({ length: n }, (_, p) => [s, p, n]);
    });
    const [site, p, pages] = slots[step % slots.length];
    const items = shown(site);
    const c = counts(select({ site }));
    title.textContent = `${site || 'All machines'} — ${c.ready + c.degraded} of ${Object.values(c).reduce((a, b) => a + b, 0)} ready`;
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
