import { randomUUID } from 'node:crypto';
import { ErrorCode, SiagaError } from '@siaga/shared';
import { z } from 'zod';
import type { Db } from '../store/db.js';
import type { Role } from './roles.js';

export interface User {
  id: string;
  name: string;
  role: Role;
  createdAt: number;
  passwordChangedAt: number;
  disabledAt: number | null;
}

interface Row {
  id: string;
  name: string;
  role: Role;
  password_hash: string;
  created_at: number;
  password_changed_at: number;
  disabled_at: number | null;
}

/** Login names: what people type, so short and plain. */
export const userName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/, 'expected 1–64 letters, digits, dot, dash, underscore or @');

const toUser = (r: Row): User => ({ id: r.id, name: r.name, role: r.role, createdAt: r.created_at, passwordChangedAt: r.password_changed_at, disabledAt: r.disabled_at });

/** Local accounts. Passwords arrive already hashed (see passwords.ts). */
export class UserStore {
  constructor(private readonly db: Db) {}

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
  }

  create(name: string, role: Role, passwordHash: string, now: number): User {
    const valid = userName.safeParse(name);
    if (!valid.success) throw new SiagaError(ErrorCode.invalidRequest, `user name "${name}": ${valid.error.issues[0]?.message ?? 'invalid'}`, { path: 'name' });
    if (this.byName(name)) throw new SiagaError(ErrorCode.invalidRequest, `a user named "${name}" already exists`, { path: 'name' });
    const id = randomUUID();
    this.db.prepare('INSERT INTO users (id, name, role, password_hash, created_at, password_changed_at) VALUES (?, ?, ?, ?, ?, ?)').run(id, name, role, passwordHash, now, now);
    return this.get(id) as User;
  }

  get(id: string): User | undefined {
    const row = this.db.prepare<[string], Row>('SELECT * FROM users WHERE id = ?').get(id);
    return row ? toUser(row) : undefined;
  }

  /** Names compare without case: `Admin` and `admin` are one account. */
  byName(name: string): User | undefined {
    const row = this.db.prepare<[string], Row>('SELECT * FROM users WHERE name = ? COLLATE NOCASE').get(name);
    return row ? toUser(row) : undefined;
  }

  passwordHash(id: string): string | undefined {
    return this.db.prepare<[string], { password_hash: string }>('SELECT password_hash FROM users WHERE id = ?').get(id)?.password_hash;
  }

  list(): User[] {
    return this.db.prepare<[], Row>('SELECT * FROM users ORDER BY name').all().map(toUser);
  }

  setRole(id: string, role: Role): void {
    this.db.prepare('UPDATE users SET role = ? WHERE id = ?').run(role, id);
  }

  setPassword(id: string, passwordHash: string, now: number): void {
    this.db.prepare('UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?').run(passwordHash, now, id);
  }

  setDisabled(id: string, disabled: boolean, now: number): void {
    this.db.prepare('UPDATE users SET disabled_at = ? WHERE id = ?').run(disabled ? now : null, id);
  }
}
