import { randomUUID } from 'node:crypto';
import type { Db } from '../../collector/src/store/db.js';
import { inBusinessHours } from '../../collector/src/policy/business-hours.js';

/**
 * A week of made-up verdict history for known machines, and the answers a report must give,
 * worked out minute by minute (a different method from the report's interval arithmetic).
 */

export interface Window {
  days: Array<'sun' | 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat'>;
  from: string;
  to: string;
}

export interface SiteScript {
  name: string;
  timezone: string;
  businessHours: Window[];
  /** The week as instants: local midnight of the first day, local midnight after the last. */
  from: number;
  to: number;
}

type Verdict = 'ready' | 'degraded' | 'not_ready' | 'offline' | 'unknown';
interface Change {
  at: number;
  verdict: Verdict;
  expected: boolean;
  check: string;
}

export interface HostScript {
  id: string;
  hostname: string;
  site: string;
  changes: Change[];
  /** Acknowledged incidents: when they began and ended (null: still going), and how long until acknowledged. */
  acks: Array<{ start: number; end: number | null; delay: number }>;
}

const MIN = 60_000;

/** mulberry32: a tiny seeded generator, so the week is the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const bad = (c: Pick<Change, 'verdict' | 'expected'>) => c.verdict === 'not_ready' || (c.verdict === 'offline' && !c.expected);

export function scriptHosts(site: SiteScript, count: number, seed: number): HostScript[] {
  const random = rng(seed);
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)] as T;
  const hosts: HostScript[] = [];
  for (let n = 0; n < count; n++) {
    // The last machine is enrolled in the middle of the week: nothing is known before that.
    const lateStart = n === count - 1;
    let t = lateStart ? site.from + 3 * 86_400_000 + 7 * 60 * MIN : site.from - Math.floor(random() * 2 * 24 * 60) * MIN;
    const changes: Change[] = [];
    while (t < site.to + 12 * 60 * MIN) {
      const roll = random();
      const verdict: Verdict = roll < 0.45 ? 'ready' : roll < 0.58 ? 'degraded' : roll < 0.74 ? 'not_ready' : roll < 0.84 ? 'offline' : roll < 0.95 ? 'offline' : 'unknown';
      const expected = verdict === 'offline' && roll >= 0.84;
      changes.push({ at: t, verdict, expected, check: verdict === 'not_ready' ? pick(['disk_space', 'memory', 'app']) : verdict === 'offline' ? 'offline' : verdict === 'degraded' ? 'memory' : '' });
      t += (20 + Math.floor(random() * 400)) * MIN;
    }
    const host: HostScript = { id: randomUUID(), hostname: `${site.name}-ws-${n + 1}`, site: site.name, changes, acks: [] };
    // Acknowledge every other incident that starts in the week, 7 + n minutes after it began.
    let i = 0;
    for (const inc of incidentsOf(host, site.from, site.to)) {
      if (inc.start >= site.from && i++ % 2 === 0) host.acks.push({ start: inc.start, end: Number.isFinite(inc.end) ? inc.end : null, delay: (7 + n) * MIN });
    }
    hosts.push(host);
  }
  return hosts;
}

/** Runs of bad verdicts in the host's timeline that overlap [from, to). */
function incidentsOf(host: HostScript, from: number, to: number): Array<{ start: number; end: number }> {
  const out: Array<{ start: number; end: number }> = [];
  let open: { start: number; end: number } | undefined;
  for (const [i, c] of host.changes.entries()) {
    const next = host.changes[i + 1]?.at ?? Infinity;
    if (bad(c)) {
      open ??= { start: c.at, end: next };
      open.end = next;
    } else if (open) {
      out.push(open);
      open = undefined;
    }
  }
  if (open) out.push(open);
  return out.filter((r) => r.start < to && r.end > from);
}

export function insertScript(db: Db, hosts: HostScript[]): void {
  const insertHost = db.prepare(`INSERT INTO hosts (id, agent_id, hostname, os_json, site, grp, tags_json, enrolled_at) VALUES (?, ?, ?, '{"platform":"linux"}', ?, 'office', '[]', ?)`);
  const insertRow = db.prepare('INSERT INTO verdict_history (host_id, at, verdict, expected, reasons_json) VALUES (?, ?, ?, ?, ?)');
  const insertAlert = db.prepare(
    `INSERT INTO alerts (id, key, rule, host_id, group_key, labels_json, summary, reason, state, active_since, for_ms, clear_after, fired_at, resolved_at, closed, acked_by, acked_at, updated_at)
     VALUES (?, ?, 'host_not_ready', ?, ?, '{}', 'not ready', 'scripted', ?, ?, 0, 1, ?, ?, ?, 'scripted-tech', ?, ?)`,
  );
  db.transaction(() => {
    for (const h of hosts) {
      insertHost.run(h.id, randomUUID(), h.hostname, h.site, h.changes[0]?.at ?? 0);
      for (const c of h.changes) {
        const reasons = c.check ? [{ check: c.check, status: c.verdict === 'degraded' ? 'warn' : 'fail', reason: `${c.check} scripted` }] : [];
        insertRow.run(h.id, c.at, c.verdict, c.expected ? 1 : 0, JSON.stringify(reasons));
      }
      for (const a of h.acks) insertAlert.run(randomUUID(), `${h.id}/host_not_ready//`, h.id, `${h.site}/host_not_ready`, a.end === null ? 'firing' : 'resolved', a.start, a.start, a.end, a.end === null ? 0 : 1, a.start + a.delay, a.start + a.delay);
    }
  })();
}

export interface Expected {
  ready: number;
  degraded: number;
  notReady: number;
  offline: number;
  notInUse: number;
  readyPct: number;
  incidents: number;
  incidentsInBusinessHours: number;
  /** Business minutes lost per check. */
  causes: Record<string, number>;
  timesToAcknowledge: number[];
}

/** Minute by minute: which verdict held, and was it business hours at the site? */
export function expectedFor(site: SiteScript, hosts: HostScript[]): { total: Expected; perHost: Map<string, Expected> } {
  const perHost = new Map<string, Expected>();
  const total: Expected = { ready: 0, degraded: 0, notReady: 0, offline: 0, notInUse: 0, readyPct: 0, incidents: 0, incidentsInBusinessHours: 0, causes: {}, timesToAcknowledge: [] };
  for (const h of hosts) {
    const e: Expected = { ready: 0, degraded: 0, notReady: 0, offline: 0, notInUse: 0, readyPct: 0, incidents: 0, incidentsInBusinessHours: 0, causes: {}, timesToAcknowledge: [] };
    let idx = -1;
    for (let m = site.from; m < site.to; m += MIN) {
      while (idx + 1 < h.changes.length && (h.changes[idx + 1] as Change).at <= m) idx++;
      const c = h.changes[idx];
      if (!c || !inBusinessHours(m, site.timezone, site.businessHours)) continue;
      if (c.verdict === 'ready') e.ready++;
      else if (c.verdict === 'degraded') e.degraded++;
      else if (c.verdict === 'not_ready') e.notReady++;
      else if (c.verdict === 'offline' && c.expected) e.notInUse++;
      else if (c.verdict === 'offline') e.offline++;
      if (bad(c)) e.causes[c.check] = (e.causes[c.check] ?? 0) + 1;
    }
    e.readyPct = (e.ready + e.degraded) / (e.ready + e.degraded + e.notReady + e.offline);
    for (const inc of incidentsOf(h, site.from, site.to)) {
      e.incidents++;
      let business = false;
      for (let m = Math.max(inc.start, site.from); m < Math.min(inc.end, site.to) && !business; m += MIN) business = inBusinessHours(m, site.timezone, site.businessHours);
      if (business) e.incidentsInBusinessHours++;
      const ack = h.acks.find((a) => a.start === inc.start);
      if (ack) e.timesToAcknowledge.push(ack.delay);
    }
    perHost.set(h.hostname, e);
    for (const k of ['ready', 'degraded', 'notReady', 'offline', 'notInUse', 'incidents', 'incidentsInBusinessHours'] as const) total[k] += e[k];
    for (const [k, v] of Object.entries(e.causes)) total.causes[k] = (total.causes[k] ?? 0) + v;
    total.timesToAcknowledge.push(...e.timesToAcknowledge);
  }
  total.readyPct = (total.ready + total.degraded) / (total.ready + total.degraded + total.notReady + total.offline);
  return { total, perHost };
}
