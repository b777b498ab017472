import type { Db } from '../store/db.js';

/** What technicians record; `alert` entries are written by the collector itself. */
export const LOG_KINDS = ['repair', 'inspection', 'part_replacement', 'training', 'note', 'alert'] as const;
export type LogKind = (typeof LOG_KINDS)[number];
export const MANUAL_KINDS = LOG_KINDS.filter((k) => k !== 'alert');

export interface LogEntry {
  id: number;
  hostId: string;
  /** When the work was done (the technician may record it afterwards). */
  at: number;
  recordedAt: number;
  author: string;
  kind: LogKind;
  text: string;
  alertId: string | null;
}

export type NewLogEntry = Omit<LogEntry, 'id'>;

interface Row {
  id: number;
  host_id: string;
  at: number;
  recorded_at: number;
  author: string;
  kind: LogKind;
  text: string;
  alert_id: string | null;
}

const toEntry = (r: Row): LogEntry => ({ id: r.id, hostId: r.host_id, at: r.at, recordedAt: r.recorded_at, author: r.author, kind: r.kind, text: r.text, alertId: r.alert_id });

/** Each machine's maintenance log: repairs, inspections, part replacements, training, alerts. */
export class HostLogStore {
  private readonly insert;

  constructor(private readonly db: Db) {
    this.insert = db.prepare('INSERT INTO host_log (host_id, at, recorded_at, author, kind, text, alert_id) VALUES (?, ?, ?, ?, ?, ?, ?)');
  }

  add(e: NewLogEntry): LogEntry {
    const id = Number(this.insert.run(e.hostId, e.at, e.recordedAt, e.author, e.kind, e.text, e.alertId).lastInsertRowid);
    return { id, ...e };
  }

  /** Newest first; `before` pages back by id. */
  list(hostId: string, limit: number, before?: number): LogEntry[] {
    const rows =
      before === undefined
        ? this.db.prepare<[string, number], Row>('SELECT * FROM host_log WHERE host_id = ? ORDER BY at DESC, id DESC LIMIT ?').all(hostId, limit)
        : this.db.prepare<[string, number, number], Row>('SELECT * FROM host_log WHERE host_id = ? AND id < ? ORDER BY at DESC, id DESC LIMIT ?').all(hostId, before, limit);
    return rows.map(toEntry);
  }

  /** Entries of every host in a time range, oldest first (reports). */
  between(from: number, to: number): LogEntry[] {
    return this.db.prepare<[number, number], Row>('SELECT * FROM host_log WHERE at >= ? AND at < ? ORDER BY at, id').all(from, to).map(toEntry);
  }
}
