import { randomBytes } from 'node:crypto';
import { sha256 } from '../store/secrets.js';
import type { Db } from '../store/db.js';

export interface SessionLimits {
  /** A session unused for this long ends. */
  idleMs: number;
  /** A session ends this long after sign-in, used or not. */
  maxAgeMs: number;
}

export interface Session {
  idHash: string;
  userId: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
}

interface Row {
  id_hash: string;
  user_id: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

/** Activity is written at most this often, so a busy board does not write on every request. */
const TOUCH_EVERY_MS = 60_000;

/**
 * Browser sessions, kept server-side. The cookie carries a random 256-bit id; the table holds
 * only its SHA-256, so a copy of the database opens no session.
 */
export class SessionStore {
  constructor(
    private readonly db: Db,
    private readonly limits: SessionLimits,
  ) {}

  create(userId: string, now: number, meta: { ip?: string | undefined; userAgent?: string | undefined } = {}): { id: string; session: Session } {
    const id = randomBytes(32).toString('base64url');
    const session: Session = { idHash: sha256(id), userId, createdAt: now, lastSeenAt: now, expiresAt: now + this.limits.maxAgeMs };
    this.db
      .prepare('INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(session.idHash, userId, now, now, session.expiresAt, meta.ip ?? null, meta.userAgent?.slice(0, 200) ?? null);
    return { id, session };
  }

  /** The live session for a cookie value, its activity refreshed; undefined when unknown or expired. */
  resolve(id: string, now: number): Session | undefined {
    return this.check(sha256(id), now, true);
  }

  /** Whether a session (by hash) is still live, without counting this as activity. */
  alive(idHash: string, now: number): boolean {
    return this.check(idHash, now, false) !== undefined;
  }

  end(id: string): void {
    this.db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(sha256(id));
  }

  /** Signs a user out everywhere (password change, disabled account). */
  endAllFor(userId: string): number {
    return this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(userId).changes;
  }

  prune(now: number): void {
    this.db.prepare('DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?').run(now, now - this.limits.idleMs);
  }

  private check(idHash: string, now: number, touch: boolean): Session | undefined {
    const row = this.db.prepare<[string], Row>('SELECT id_hash, user_id, created_at, last_seen_at, expires_at FROM sessions WHERE id_hash = ?').get(idHash);
    if (!row) return undefined;
    if (now >= row.expires_at || now - row.last_seen_at >= this.limits.idleMs) {
      this.db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(idHash);
      return undefined;
    }
    if (touch && now - row.last_seen_at >= Math.min(TOUCH_EVERY_MS, this.limits.idleMs / 4)) {
      this.db.prepare('UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?').run(now, idHash);
      row.last_seen_at = now;
    }
    return { idHash: row.id_hash, userId: row.user_id, createdAt: row.created_at, lastSeenAt: row.last_seen_at, expiresAt: row.expires_at };
  }
}
