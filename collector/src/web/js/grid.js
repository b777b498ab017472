import { h, verdictClass, verdictLabel } from './dom.js';

const GAP = 8;

/** The most useful line on a tile: the first failing reason, else the first warning. */
function topReason(host) {
  const r = host.reasons.find((x) => x.status === 'fail') ?? host.reasons[0];
  return r ? r.reason : host.verdict === 'ready' ? 'All checks pass' : '';
}

function tile(host) {
  return h(
    'a',
    { class: `tile ${verdictClass(host.verdict, host.expected)}`, href: `#/host/${host.id}`, dataset: { host: host.id, verdict: host.verdict }, title: `${host.hostname}: ${verdictLabel(host.verdict, host.expected)}` },
    h('div', { class: 'name' }, host.hostname),
    h('div', { class: 'reason' }, topReason(host)),
    h('div', { class: 'meta' }, [verdictLabel(host.verdict, host.expected), host.site, host.group].filter(Boolean).join(' · ')),
  );
}

/**
 * A grid that only builds the tiles in view (plus a row or two around them), so 5,000 hosts
 * cost what a screenful costs. Tiles are placed absolutely in a container as tall as all rows.
 */
export class VirtualGrid {
  constructor(viewport, { minTile = 190, scroll = true } = {}) {
    this.viewport = viewport;
    this.inner = h('div', { class: 'grid-inner' });
    viewport.replaceChildren(this.inner);
    this.minTile = minTile;
    this.scroll = scroll;
    this.items = [];
    this.first = 0;
    this.onScroll = () => this.schedule();
    viewport.addEventListener('scroll', this.onScroll, { passive: true });
    this.resize = new ResizeObserver(() => this.schedule());
    this.resize.observe(viewport);
    this.queued = false;
  }

  setItems(items) {
    this.items = items;
    this.schedule();
  }

  /** Rows × columns that fit without scrolling (kiosk pages). */
  capacity() {
    const { cols, rowH } = this.layout();
    return Math.max(1, cols * Math.max(1, Math.floor((this.viewport.clientHeight + GAP) / rowH)));
  }

  layout() {
    const width = this.viewport.clientWidth || 800;
    const cols = Math.max(1, Math.floor((width + GAP) / (this.minTile + GAP)));
    const tileW = (width - GAP * (cols - 1)) / cols;
    const tileH = parseFloat(getComputedStyle(this.viewport).getPropertyValue('--tile-h')) || 92;
    return { cols, tileW, tileH, rowH: tileH + GAP };
  }

  schedule() {
    if (this.queued) return;
    this.queued = true;
    requestAnimationFrame(() => {
      this.queued = false;
      this.render();
    });
  }

  render() {
    const { cols, tileW, tileH, rowH } = this.layout();
    const rows = Math.ceil(this.items.length / cols);
    this.inner.style.height = `${rows * rowH}px`;
    const top = this.scroll ? this.viewport.scrollTop : 0;
    const firstRow = Math.max(0, Math.floor(top / rowH) - 1);
    const lastRow = Math.min(rows, Math.ceil((top + this.viewport.clientHeight) / rowH) + 1);
    const out = [];
    for (let i = firstRow * cols; i < Math.min(this.items.length, lastRow * cols); i++) {
      const el = tile(this.items[i]);
      el.style.width = `${tileW}px`;
      el.style.height = `${tileH}px`;
      el.style.transform = `translate(${(i % cols) * (tileW + GAP)}px, ${Math.floor(i / cols) * rowH}px)`;
      out.push(el);
    }
    this.inner.replaceChildren(...out);
    this.viewport.dispatchEvent(new CustomEvent('rendered', { detail: { tiles: out.length, total: this.items.length } }));
  }

  destroy() {
    this.viewport.removeEventListener('scroll', this.onScroll);
    this.resize.disconnect();
  }
}
