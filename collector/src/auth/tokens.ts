import { randomBytes } from 'node:crypto';
import { sameDigest, sha256 } from '../store/secrets.js';
import type { Db } from '../store/db.js';

export interface ApiToken {
  id: string;
  userId: string;
  userName: string;
  name: string;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

interface Row {
  id: string;
  user_id: string;
  user_name: string;
  name: string;
  token_hash: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
}

const toToken = (r: Row): ApiToken => ({ id: r.id, userId: r.user_id, userName: r.user_name, name: r.name, createdAt: r.created_at, expiresAt: r.expires_at, revokedAt: r.revoked_at, lastUsedAt: r.last_used_at });

/** `siaga_<12 hex id>_<43 base64url>`: the prefix lets secret scanners recognise a leaked token. */
const TOKEN_FORMAT = /^siaga_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

const SELECT = 'SELECT t.*, u.name AS user_name FROM api_tokens t JOIN users u ON u.id = t.user_id';

/**
 * API tokens for scripts: shown once at creation, stored as SHA-256 (they are 256-bit random,
 * so a slow hash adds nothing), each with an expiry, revocable at any time. A token acts with
 * its user's current role.
 */
export class TokenStore {
  constructor(private readonly db: Db) {}

  create(userId: string, name: string, expiresAt: number, now: number): { token: string; info: ApiToken } {
    const id = randomBytes(6).toString('hex');
    const token = `siaga_${id}_${randomBytes(32).toString('base64url')}`;
    this.db.prepare('INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)').run(id, userId, name, sha256(token), now, expiresAt);
    return { token, info: this.get(id) as ApiToken };
  }

  get(id: string): ApiToken | undefined {
    const row = this.db.prepare<[string], Row>(`${SELECT} WHERE t.id = ?`).get(id);
    return row ? toToken(row) : undefined;
  }

  list(userId?: string): ApiToken[] {
    const rows = userId ? this.db.prepare<[string], Row>(`${SELECT} WHERE t.user_id = ? ORDER BY t.created_at`).all(userId) : this.db.prepare<[], Row>(`${SELECT} ORDER BY t.created_at`).all();
    return rows.map(toToken);
  }

  /** The live token a bearer string stands for; its use is recorded (at most once a minute). */
  verify(bearer: string, now: number): ApiToken | undefined {
    const m = TOKEN_FORMAT.exec(bearer);
    if (!m) return undefined;
    const row = this.db.prepare<[string], Row>(`${SELECT} WHERE t.id = ?`).get(m[1] as string);
    if (!row || !sameDigest(row.token_hash, sha256(bearer))) return undefined;
    if (row.revoked_at !== null || now >= row.expires_at) return undefined;
    if (row.last_used_at === null || now - row.last_used_at >= 60_000) {
      this.db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(now, row.id);
      row.last_used_at = now;
    }
    return toToken(row);
  }

  /** Whether the token is still usable (long-lived requests re-check it). */
  alive(id: string, now: number): boolean {
    const t = this.get(id);
    return t !== undefined && t.revokedAt === null && now < t.expiresAt;
  }

  revoke(id: string, now: number): boolean {
    return this.db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now, id).changes > 0;
  }
}
