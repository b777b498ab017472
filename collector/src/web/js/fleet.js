// Every host as the board knows it, kept current by the live stream.

const hosts = new Map();
const listeners = new Set();

export const fleet = {
  get size() {
    return hosts.size;
  },
  get: (id) => hosts.get(id),
  all: () => [...hosts.values()],
  /** A full snapshot (GET /v1/hosts). */
  replace(list) {
    hosts.clear();
    for (const h of list) hosts.set(h.id, h);
    notify();
  },
  /** Deltas from the event stream: newer verdicts win over an older snapshot. */
  merge(list) {
    for (const h of list) {
      const known = hosts.get(h.id);
      if (!known || (h.verdictSince ?? 0) >= (known.verdictSince ?? 0)) hosts.set(h.id, h);
    }
    notify();
  },
  subscribe(fn) {
    listeners.add(fn);
    return () => listeners.delete(fn);
  },
};

function notify() {
  for (const fn of listeners) fn();
}

/** Worst first: what needs someone now is at the top. */
const RANK = { not_ready: 0, offline: 1, degraded: 2, unknown: 3, expected: 4, ready: 5 };
const rank = (h) => (h.verdict === 'offline' && h.expected ? RANK.expected : RANK[h.verdict] ?? 3);

export function select(filter) {
  const q = filter.q?.toLowerCase();
  return fleet
    .all()
    .filter((h) => !filter.site || (h.site ?? '') === filter.site)
    .filter((h) => !filter.group || (h.group ?? '') === filter.group)
    .filter((h) => !filter.verdict || (filter.verdict === 'offline_expected' ? h.verdict === 'offline' && h.expected : h.verdict === filter.verdict && !(h.verdict === 'offline' && h.expected)))
    .filter((h) => !q || h.hostname.toLowerCase().includes(q) || h.reasons.some((r) => r.reason.toLowerCase().includes(q)))
    .sort((a, b) => rank(a) - rank(b) || a.hostname.localeCompare(b.hostname));
}

export function counts(list) {
  const c = { not_ready: 0, offline: 0, degraded: 0, unknown: 0, offline_expected: 0, ready: 0 };
  for (const h of list) c[h.verdict === 'offline' && h.expected ? 'offline_expected' : h.verdict] += 1;
  return c;
}

export const distinct = (key) => [...new Set(fleet.all().map((h) => h[key]).filter(Boolean))].sort();
