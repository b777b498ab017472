import type { Db } from '../store/db.js';

export interface AuditEntry {
  id: number;
  at: number;
  /** User name, `cli` for the command line on the collector machine, `system` for the collector itself. */
  actor: string;
  via: 'session' | 'token' | 'cli' | 'link' | 'system';
  /** What was done: `user.create`, `token.revoke`, `POST /v1/alerts/:id/ack`... */
  action: string;
  /** What it was done to: a user name, a token id, a request path. */
  target: string | null;
  detail: Record<string, unknown>;
  ip: string | null;
}

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'detail' | 'target' | 'ip'> & { target?: string | null; detail?: Record<string, unknown>; ip?: string | null };

interface Row {
  id: number;
  at: number;
  actor: string;
  via: AuditEntry['via'];
  action: string;
  target: string | null;
  detail_json: string;
  ip: string | null;
}

const SECRET_KEY = /pass(word)?|secret|token|key/i;

/** Copies a request body for the record with anything secret-looking blanked and long text cut. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 4) return '…';
  if (typeof value === 'string') return value.length > 500 ? `${value.slice(0, 500)}…` : value;
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redact(v, depth + 1));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).slice(0, 50).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1)]));
  }
  return value;
}

/** Who changed what, when: append-only, readable by admins (`GET /v1/audit`). */
export class AuditLog {
  private readonly insert;
  private readonly listeners: Array<(entry: AuditEntry) => void> = [];

  constructor(private readonly db: Db) {
    this.insert = db.prepare('INSERT INTO audit_log (at, actor, via, action, target, detail_json, ip) VALUES (?, ?, ?, ?, ?, ?, ?)');
  }

  record(e: NewAuditEntry): AuditEntry {
    const detail = (redact(e.detail ?? {}) ?? {}) as Record<string, unknown>;
    const id = Number(this.insert.run(e.at, e.actor, e.via, e.action, e.target ?? null, JSON.stringify(detail), e.ip ?? null).lastInsertRowid);
    const entry: AuditEntry = { id, at: e.at, actor: e.actor, via: e.via, action: e.action, target: e.target ?? null, detail, ip: e.ip ?? null };
    for (const l of this.listeners) l(entry);
    return entry;
  }

  onRecord(listener: (entry: AuditEntry) => void): void {
    this.listeners.push(listener);
  }

  /** Newest first. */
  list(q: { from?: number; to?: number; actor?: string; action?: string; before?: number; limit: number }): AuditEntry[] {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (q.from !== undefined) (where.push('at >= ?'), args.push(q.from));
    if (q.to !== undefined) (where.push('at <= ?'), args.push(q.to));
    if (q.actor !== undefined) (where.push('actor = ? COLLATE NOCASE'), args.push(q.actor));
    if (q.action !== undefined) (where.push('action LIKE ?'), args.push(`%${q.action}%`));
    if (q.before !== undefined) (where.push('id < ?'), args.push(q.before));
    const sql = `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    return this.db
      .prepare<Array<string | number>, Row>(sql)
      .all(...args, q.limit)
      .map((r) => ({ id: r.id, at: r.at, actor: r.actor, via: r.via, action: r.action, target: r.target, detail: JSON.parse(r.detail_json) as Record<string, unknown>, ip: r.ip }));
  }
}
