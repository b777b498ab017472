import type { Db } from '../store/db.js';
import type { DeliveryStatus, Format } from './types.js';

export interface NewDelivery {
  id: string;
  notificationId: string;
  groupKey: string;
  alertIds: readonly string[];
  receiver: string;
  format: Format;
  url: string;
  body: string;
  signing: 'standard-webhooks' | 'none';
  createdAt: number;
}

/** A row the dispatcher works on. */
export interface QueuedDelivery {
  id: string;
  receiver: string;
  url: string;
  body: string;
  signing: 'standard-webhooks' | 'none';
  attempts: number;
  createdAt: number;
  nextAttemptAt: number;
}

interface QueuedRow {
  id: string;
  receiver: string;
  url: string;
  body: string;
  signing: 'standard-webhooks' | 'none';
  attempts: number;
  created_at: number;
  next_attempt_at: number;
}

interface HistoryRow {
  id: string;
  notification_id: string;
  group_key: string;
  receiver: string;
  format: Format;
  url: string;
  status: DeliveryStatus;
  attempts: number;
  created_at: number;
  next_attempt_at: number;
  last_attempt_at: number | null;
  delivered_at: number | null;
  last_status_code: number | null;
  last_error: string | null;
}

/** One delivery as the board and repair records show it (URL reduced to its origin). */
export interface DeliveryRecord {
  id: string;
  notificationId: string;
  groupKey: string;
  receiver: string;
  format: Format;
  origin: string;
  status: DeliveryStatus;
  attempts: number;
  createdAt: number;
  nextAttemptAt: number | null;
  lastAttemptAt: number | null;
  deliveredAt: number | null;
  lastStatusCode: number | null;
  lastError: string | null;
}

export interface AttemptRecord {
  attempt: number;
  startedAt: number;
  durationMs: number | null;
  address: string | null;
  statusCode: number | null;
  error: string | null;
}

export interface AttemptResult {
  durationMs: number;
  address: string | null;
  statusCode: number | null;
  error: string | null;
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}

const toRecord = (r: HistoryRow): DeliveryRecord => ({
  id: r.id,
  notificationId: r.notification_id,
  groupKey: r.group_key,
  receiver: r.receiver,
  format: r.format,
  origin: originOf(r.url),
  status: r.status,
  attempts: r.attempts,
  createdAt: r.created_at,
  nextAttemptAt: r.status === 'pending' ? r.next_attempt_at : null,
  lastAttemptAt: r.last_attempt_at,
  deliveredAt: r.delivered_at,
  lastStatusCode: r.last_status_code,
  lastError: r.last_error,
});

const HISTORY_COLUMNS =
  'o.id, o.notification_id, o.group_key, o.receiver, o.format, o.url, o.status, o.attempts, o.created_at, o.next_attempt_at, o.last_attempt_at, o.delivered_at, o.last_status_code, o.last_error';

/**
 * A pending row may be attempted only when no older pending row exists for the same receiver
 * and group, so a receiver never sees a group's `resolved` before its earlier `firing`.
 */
const HEAD_OF_QUEUE = `o.status = 'pending' AND NOT EXISTS (
  SELECT 1 FROM notify_outbox p
  WHERE p.status = 'pending' AND p.receiver = o.receiver AND p.group_key = o.group_key AND p.rowid < o.rowid)`;

/** SQL for the webhook outbox (tables notify_outbox, notify_outbox_alerts, notify_attempts). */
export class OutboxStore {
  private readonly insertRow;
  private readonly insertAlert;
  private readonly heads;
  private readonly begin;
  private readonly insertAttempt;
  private readonly finishAttempt;
  private readonly settle;
  private readonly reschedule;
  private readonly byNotification;
  private readonly byAlert;
  private readonly byGroup;
  private readonly attemptsOf;
  private readonly countPending;
  private readonly prune;

  constructor(private readonly db: Db) {
    this.insertRow = db.prepare(
      `INSERT INTO notify_outbox (id, notification_id, group_key, receiver, format, url, body, signing, status, attempts, created_at, next_attempt_at)
       VALUES (@id, @notificationId, @groupKey, @receiver, @format, @url, @body, @signing, 'pending', 0, @createdAt, @createdAt)`,
    );
    this.insertAlert = db.prepare('INSERT OR IGNORE INTO notify_outbox_alerts (alert_id, delivery_id) VALUES (?, ?)');
    this.heads = db.prepare<[number], QueuedRow>(
      `SELECT o.id, o.receiver, o.url, o.body, o.signing, o.attempts, o.created_at, o.next_attempt_at
       FROM notify_outbox o WHERE ${HEAD_OF_QUEUE} ORDER BY o.next_attempt_at, o.rowid LIMIT ?`,
    );
    this.begin = db.prepare('UPDATE notify_outbox SET attempts = attempts + 1, last_attempt_at = ?, url = ? WHERE id = ?');
    this.insertAttempt = db.prepare('INSERT INTO notify_attempts (delivery_id, attempt, started_at) VALUES (?, ?, ?)');
    this.finishAttempt = db.prepare(
      'UPDATE notify_attempts SET duration_ms = @durationMs, address = @address, status_code = @statusCode, error = @error WHERE delivery_id = @id AND attempt = @attempt',
    );
    this.settle = db.prepare(
      `UPDATE notify_outbox SET status = @status, delivered_at = @deliveredAt, last_status_code = @statusCode, last_error = @error
       WHERE id = @id AND status = 'pending'`,
    );
    this.reschedule = db.prepare(
      `UPDATE notify_outbox SET next_attempt_at = @nextAttemptAt, last_status_code = @statusCode, last_error = @error
       WHERE id = @id AND status = 'pending'`,
    );
    this.byNotification = db.prepare<[string, number], HistoryRow>(`SELECT ${HISTORY_COLUMNS} FROM notify_outbox o WHERE o.notification_id = ? ORDER BY o.rowid DESC LIMIT ?`);
    this.byAlert = db.prepare<[string, number], HistoryRow>(
      `SELECT ${HISTORY_COLUMNS} FROM notify_outbox_alerts a JOIN notify_outbox o ON o.id = a.delivery_id WHERE a.alert_id = ? ORDER BY o.rowid DESC LIMIT ?`,
    );
    this.byGroup = db.prepare<[string, number], HistoryRow>(`SELECT ${HISTORY_COLUMNS} FROM notify_outbox o WHERE o.group_key = ? ORDER BY o.rowid DESC LIMIT ?`);
    this.attemptsOf = db.prepare<[string], { attempt: number; started_at: number; duration_ms: number | null; address: string | null; status_code: number | null; error: string | null }>(
      'SELECT attempt, started_at, duration_ms, address, status_code, error FROM notify_attempts WHERE delivery_id = ? ORDER BY attempt',
    );
    this.countPending = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM notify_outbox WHERE status = 'pending'");
    this.prune = db.prepare("DELETE FROM notify_outbox WHERE status != 'pending' AND created_at < ?");
  }

  /**
   * Inserts deliveries atomically. Called inside the caller's `db.transaction(...)`, this runs
   * as a savepoint of it: the rows commit or roll back with the caller's own writes.
   */
  insert(rows: readonly NewDelivery[]): void {
    this.db.transaction(() => {
      for (const row of rows) {
        const { alertIds, ...columns } = row;
        this.insertRow.run(columns);
        for (const alertId of alertIds) this.insertAlert.run(alertId, row.id);
      }
    })();
  }

  /** Pending rows at the head of their queue, soonest first. */
  nextHeads(limit: number): QueuedDelivery[] {
    return this.heads.all(limit).map((r) => ({
      id: r.id,
      receiver: r.receiver,
      url: r.url,
      body: r.body,
      signing: r.signing,
      attempts: r.attempts,
      createdAt: r.created_at,
      nextAttemptAt: r.next_attempt_at,
    }));
  }

  /** Counts the attempt before it is made, so a crash mid-attempt still uses one up. */
  beginAttempt(id: string, attempt: number, url: string, now: number): void {
    this.db.transaction(() => {
      this.begin.run(now, url, id);
      this.insertAttempt.run(id, attempt, now);
    })();
  }

  /** Records an attempt's result and the delivery's new state. */
  endAttempt(id: string, attempt: number, result: AttemptResult, next: { status: 'delivered' | 'failed' | 'dead'; at: number } | { status: 'pending'; nextAttemptAt: number }): void {
    this.db.transaction(() => {
      this.finishAttempt.run({ id, attempt, ...result });
      const common = { id, statusCode: result.statusCode, error: result.error };
      if (next.status === 'pending') this.reschedule.run({ ...common, nextAttemptAt: next.nextAttemptAt });
      else this.settle.run({ ...common, status: next.status, deliveredAt: next.status === 'delivered' ? next.at : null });
    })();
  }

  /** Ends a delivery that gets no further attempt (e.g. its receiver was removed). */
  abandon(id: string, error: string): void {
    this.settle.run({ id, status: 'dead', deliveredAt: null, statusCode: null, error });
  }

  history(query: { notificationId: string } | { alertId: string } | { groupKey: string }, limit = 100): DeliveryRecord[] {
    const rows =
      'notificationId' in query ? this.byNotification.all(query.notificationId, limit) : 'alertId' in query ? this.byAlert.all(query.alertId, limit) : this.byGroup.all(query.groupKey, limit);
    return rows.map(toRecord);
  }

  attempts(id: string): AttemptRecord[] {
    return this.attemptsOf.all(id).map((r) => ({ attempt: r.attempt, startedAt: r.started_at, durationMs: r.duration_ms, address: r.address, statusCode: r.status_code, error: r.error }));
  }

  pendingCount(): number {
    return this.countPending.get()?.n ?? 0;
  }

  /** Deletes finished deliveries created before `before`; returns how many. */
  pruneFinished(before: number): number {
    return this.prune.run(before).changes;
  }
}
