import type { Db } from '../store/db.js';
import type { FlapState } from './flap.js';
import type { Alert, AlertEvent, AlertEventType, AlertState, Group, RuleName } from './types.js';

interface AlertRow {
  id: string;
  key: string;
  rule: RuleName;
  host_id: string;
  group_key: string;
  labels_json: string;
  summary: string;
  reason: string;
  state: AlertState;
  active_since: number;
  for_ms: number;
  clear_after: number;
  fired_at: number | null;
  resolved_at: number | null;
  notified_at: number | null;
  closed: number;
  healthy_streak: number;
  acked_by: string | null;
  acked_at: number | null;
  suppressed_by: string | null;
  updated_at: number;
}

interface GroupRow {
  key: string;
  site: string;
  rule: RuleName;
  escalation_policy: string;
  created_at: number;
  episode_start: number | null;
  escalation_start: number | null;
  tier: number;
  last_flush_at: number | null;
  last_sent_at: number | null;
  snapshot: string;
  acked_by: string | null;
  acked_at: number | null;
}

const toAlert = (r: AlertRow): Alert => ({
  id: r.id,
  key: r.key,
  rule: r.rule,
  hostId: r.host_id,
  groupKey: r.group_key,
  labels: JSON.parse(r.labels_json) as Record<string, string>,
  summary: r.summary,
  reason: r.reason,
  state: r.state,
  activeSince: r.active_since,
  forMs: r.for_ms,
  clearAfter: r.clear_after,
  firedAt: r.fired_at,
  resolvedAt: r.resolved_at,
  notifiedAt: r.notified_at,
  closed: r.closed === 1,
  healthyStreak: r.healthy_streak,
  ackedBy: r.acked_by,
  ackedAt: r.acked_at,
  suppressedBy: r.suppressed_by,
  updatedAt: r.updated_at,
});

const toGroup = (r: GroupRow): Group => ({
  key: r.key,
  site: r.site,
  rule: r.rule,
  escalationPolicy: r.escalation_policy,
  createdAt: r.created_at,
  episodeStart: r.episode_start,
  escalationStart: r.escalation_start,
  tier: r.tier,
  lastFlushAt: r.last_flush_at,
  lastSentAt: r.last_sent_at,
  snapshot: r.snapshot,
  ackedBy: r.acked_by,
  ackedAt: r.acked_at,
});

export interface AlertQuery {
  state?: AlertState;
  site?: string;
  hostId?: string;
  limit: number;
}

/** Alerts, their events, groups and flap series in the collector's SQLite store. */
export class AlertStore {
  private readonly upsertAlert;
  private readonly insertEvent;
  private readonly upsertGroup;
  private readonly deleteGroup;
  private readonly upsertSeries;
  private readonly deleteSeries;

  constructor(readonly db: Db) {
    this.upsertAlert = db.prepare(
      `INSERT INTO alerts (id, key, rule, host_id, group_key, labels_json, summary, reason, state, active_since, for_ms, clear_after, fired_at, resolved_at,
         notified_at, closed, healthy_streak, acked_by, acked_at, suppressed_by, updated_at)
       VALUES (@id, @key, @rule, @hostId, @groupKey, @labels, @summary, @reason, @state, @activeSince, @forMs, @clearAfter, @firedAt, @resolvedAt,
         @notifiedAt, @closed, @healthyStreak, @ackedBy, @ackedAt, @suppressedBy, @updatedAt)
       ON CONFLICT(id) DO UPDATE SET labels_json = excluded.labels_json, summary = excluded.summary, reason = excluded.reason, state = excluded.state,
         for_ms = excluded.for_ms, clear_after = excluded.clear_after, fired_at = excluded.fired_at, resolved_at = excluded.resolved_at,
         notified_at = excluded.notified_at, closed = excluded.closed, healthy_streak = excluded.healthy_streak, acked_by = excluded.acked_by,
         acked_at = excluded.acked_at, suppressed_by = excluded.suppressed_by, updated_at = excluded.updated_at`,
    );
    this.insertEvent = db.prepare('INSERT INTO alert_events (alert_id, host_id, rule, at, type, detail_json) VALUES (?, ?, ?, ?, ?, ?)');
    this.upsertGroup = db.prepare(
      `INSERT INTO alert_groups (key, site, rule, escalation_policy, created_at, episode_start, escalation_start, tier, last_flush_at, last_sent_at, snapshot, acked_by, acked_at)
       VALUES (@key, @site, @rule, @escalationPolicy, @createdAt, @episodeStart, @escalationStart, @tier, @lastFlushAt, @lastSentAt, @snapshot, @ackedBy, @ackedAt)
       ON CONFLICT(key) DO UPDATE SET escalation_policy = excluded.escalation_policy, created_at = excluded.created_at, episode_start = excluded.episode_start,
         escalation_start = excluded.escalation_start, tier = excluded.tier, last_flush_at = excluded.last_flush_at, last_sent_at = excluded.last_sent_at,
         snapshot = excluded.snapshot, acked_by = excluded.acked_by, acked_at = excluded.acked_at`,
    );
    this.deleteGroup = db.prepare<[string]>('DELETE FROM alert_groups WHERE key = ?');
    this.upsertSeries = db.prepare<[string, string, number]>(
      'INSERT INTO alert_series (key, history, flapping) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET history = excluded.history, flapping = excluded.flapping',
    );
    this.deleteSeries = db.prepare<[string]>('DELETE FROM alert_series WHERE key = ?');
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  saveAlert(a: Alert): void {
    this.upsertAlert.run({ ...a, labels: JSON.stringify(a.labels), closed: a.closed ? 1 : 0 });
  }

  addEvent(e: AlertEvent): void {
    this.insertEvent.run(e.alertId, e.hostId, e.rule, e.at, e.type, JSON.stringify(e.detail));
  }

  saveGroup(g: Group): void {
    this.upsertGroup.run(g);
  }

  removeGroup(key: string): void {
    this.deleteGroup.run(key);
  }

  saveSeries(key: string, s: FlapState): void {
    this.upsertSeries.run(key, s.history.map((b) => (b ? '1' : '0')).join(''), s.flapping ? 1 : 0);
  }

  removeSeries(key: string): void {
    this.deleteSeries.run(key);
  }

  openAlerts(): Alert[] {
    return this.db.prepare<[], AlertRow>('SELECT * FROM alerts WHERE closed = 0').all().map(toAlert);
  }

  groups(): Group[] {
    return this.db.prepare<[], GroupRow>('SELECT * FROM alert_groups').all().map(toGroup);
  }

  series(): Map<string, FlapState> {
    const rows = this.db.prepare<[], { key: string; history: string; flapping: number }>('SELECT * FROM alert_series').all();
    return new Map(rows.map((r) => [r.key, { history: [...r.history].map((c) => c === '1'), flapping: r.flapping === 1 }]));
  }

  getAlert(id: string): Alert | undefined {
    const row = this.db.prepare<[string], AlertRow>('SELECT * FROM alerts WHERE id = ?').get(id);
    return row ? toAlert(row) : undefined;
  }

  /** Newest first. `site` matches the alert's site label. */
  listAlerts(q: AlertQuery): Alert[] {
    const where: string[] = [];
    const params: Array<string | number> = [];
    if (q.state) (where.push('state = ?'), params.push(q.state));
    if (q.hostId) (where.push('host_id = ?'), params.push(q.hostId));
    if (q.site) (where.push("json_extract(labels_json, '$.site') = ?"), params.push(q.site));
    const sql = `SELECT * FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY active_since DESC LIMIT ?`;
    return this.db
      .prepare<Array<string | number>, AlertRow>(sql)
      .all(...params, q.limit)
      .map(toAlert);
  }

  eventsOfAlert(alertId: string): AlertEvent[] {
    return this.db
      .prepare<[string], EventRow>('SELECT * FROM alert_events WHERE alert_id = ? ORDER BY id')
      .all(alertId)
      .map(toEvent);
  }

  /** A host's repair record, newest first. */
  eventsOfHost(hostId: string, from: number, to: number, limit: number): AlertEvent[] {
    return this.db
      .prepare<[string, number, number, number], EventRow>('SELECT * FROM alert_events WHERE host_id = ? AND at >= ? AND at <= ? ORDER BY id DESC LIMIT ?')
      .all(hostId, from, to, limit)
      .map(toEvent);
  }
}

interface EventRow {
  alert_id: string;
  host_id: string;
  rule: RuleName;
  at: number;
  type: AlertEventType;
  detail_json: string;
}

const toEvent = (r: EventRow): AlertEvent => ({ alertId: r.alert_id, hostId: r.host_id, rule: r.rule, at: r.at, type: r.type, detail: JSON.parse(r.detail_json) as Record<string, unknown> });
