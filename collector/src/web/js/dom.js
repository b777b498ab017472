// Small DOM helpers: elements are built with text nodes, never from HTML strings.

/** h('a', { href, class, on: { click } }, 'text', child) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'on') for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'style') Object.assign(el.style, v);
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

export const $ = (sel, root = document) => root.querySelector(sel);

export const VERDICT_LABEL = { ready: 'Ready', degraded: 'Degraded', not_ready: 'Not ready', offline: 'Offline', unknown: 'Unknown' };

/** The tile class: offline after a goodbye is shown hatched (expected, not an outage). */
export const verdictClass = (v, expected) => `v-${v === 'offline' && expected ? 'offline-expected' : v}`;
export const verdictLabel = (v, expected) => (v === 'offline' && expected ? 'Off (signed off)' : VERDICT_LABEL[v] ?? v);

export function badge(v, expected) {
  return h('span', { class: `badge ${verdictClass(v, expected)}` }, verdictLabel(v, expected));
}

export function ago(at, now = Date.now()) {
  if (!at) return '–';
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 172800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} days ago`;
}

export const time = (at) => (at ? new Date(at).toLocaleString() : '–');

export function toast(text) {
  const el = h('div', { class: 'toast', role: 'status' }, text);
  document.body.append(el);
  setTimeout(() => el.remove(), 3000);
}

/** Runs `fn` at most once per animation frame. */
export function throttled(fn) {
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      fn();
    });
  };
}
