import { ErrorCode, SiagaError } from '@siaga/shared';
import type { Db } from '../store/db.js';
import { AuditLog, type AuditEntry } from './audit.js';
import { DEFAULT_LOCKOUT, LoginLimiter, type LockoutPolicy } from './login-limiter.js';
import { decoyHash, hashPassword, verifyPassword } from './passwords.js';
import type { Principal, Role } from './roles.js';
import { type SessionLimits, SessionStore } from './sessions.js';
import { type ApiToken, TokenStore } from './tokens.js';
import { type User, UserStore } from './users.js';

/** Who asks for a change, for the audit log. */
export interface Actor {
  name: string;
  via: AuditEntry['via'];
  ip?: string | null;
}

export const MIN_PASSWORD_LENGTH = 10;

export type LoginResult =
  | { ok: true; user: User; sessionId: string; expiresAt: number }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; retryAfterMs: number };

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw new SiagaError(ErrorCode.invalidRequest, `password: at least ${MIN_PASSWORD_LENGTH} characters`, { path: 'password' });
  if (password.length > 1024) throw new SiagaError(ErrorCode.invalidRequest, 'password: at most 1024 characters', { path: 'password' });
}

/**
 * Users, sessions, API tokens and the audit log behind one surface used by the API and the
 * command line; every change it makes is recorded with who made it.
 */
export class Access {
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly tokens: TokenStore;
  readonly audit: AuditLog;
  private readonly limiter: LoginLimiter;

  constructor(db: Db, options: { sessions: SessionLimits; lockout?: LockoutPolicy }) {
    this.users = new UserStore(db);
    this.sessions = new SessionStore(db, options.sessions);
    this.tokens = new TokenStore(db);
    this.audit = new AuditLog(db);
    this.limiter = new LoginLimiter(options.lockout ?? DEFAULT_LOCKOUT);
  }

  async addUser(name: string, role: Role, password: string, actor: Actor, now: number): Promise<User> {
    checkPassword(password);
    const user = this.users.create(name, role, await hashPassword(password), now);
    this.audit.record({ at: now, actor: actor.name, via: actor.via, ip: actor.ip ?? null, action: 'user.create', target: user.name, detail: { role } });
    return user;
  }

  async setPassword(user: User, password: string, actor: Actor, now: number): Promise<void> {
    checkPassword(password);
    this.users.setPassword(user.id, await hashPassword(password), now);
    const ended = this.sessions.endAllFor(user.id);
    this.audit.record({ at: now, actor: actor.name, via: actor.via, ip: actor.ip ?? null, action: 'user.password', target: user.name, detail: { sessionsEnded: ended } });
  }

  setRole(user: User, role: Role, actor: Actor, now: number): void {
    this.users.setRole(user.id, role);
    this.audit.record({ at: now, actor: actor.name, via: actor.via, ip: actor.ip ?? null, action: 'user.role', target: user.name, detail: { from: user.role, to: role } });
  }

  setDisabled(user: User, disabled: boolean, actor: Actor, now: number): void {
    this.users.setDisabled(user.id, disabled, now);
    if (disabled) this.sessions.endAllFor(user.id);
    this.audit.record({ at: now, actor: actor.name, via: actor.via, ip: actor.ip ?? null, action: disabled ? 'user.disable' : 'user.enable', target: user.name });
  }

  createToken(user: User, name: string, ttlMs: number, actor: Actor, now: number): { token: string; info: ApiToken } {
    const created = this.tokens.create(user.id, name, now + ttlMs, now);
    this.audit.record({ at: now, actor: actor.name, via: actor.via, ip: actor.ip ?? null, action: 'token.create', target: created.info.id, detail: { user: user.name, name, expiresAt: created.info.expiresAt } });
    return created;
  }

  revokeToken(id: string, actor: Actor, now: number): boolean {
    const token = this.tokens.get(id);
    const revoked = this.tokens.revoke(id, now);
    if (revoked) this.audit.record({ at: now, actor: actor.name, via: actor.via, ip: actor.ip ?? null, action: 'token.revoke', target: id, detail: { user: token?.userName, name: token?.name } });
    return revoked;
  }

  /** Checks a password, subject to the lockout; a success opens a session. */
  async login(name: string, password: string, ip: string, userAgent: string | undefined, now: number): Promise<LoginResult> {
    const gate = this.limiter.check(name, ip, now);
    if (!gate.allowed) {
      this.audit.record({ at: now, actor: name.slice(0, 64), via: 'session', ip, action: 'auth.locked_out', target: name.slice(0, 64), detail: { scope: gate.scope, retryAfterSec: Math.ceil(gate.retryAfterMs / 1000) } });
      return { ok: false, reason: 'locked', retryAfterMs: gate.retryAfterMs };
    }
    const user = this.users.byName(name);
    const stored = user && user.disabledAt === null ? this.users.passwordHash(user.id) : undefined;
    // An unknown or disabled account costs the same scrypt run as a real one.
    const good = await verifyPassword(password, stored ?? (await decoyHash()));
    if (!good || !user || stored === undefined) {
      this.limiter.failure(name, ip, now);
      this.audit.record({ at: now, actor: name.slice(0, 64), via: 'session', ip, action: 'auth.login_failed', target: name.slice(0, 64) });
      return { ok: false, reason: 'invalid' };
    }
    this.limiter.success(name);
    this.sessions.prune(now);
    const { id, session } = this.sessions.create(user.id, now, { ip, userAgent });
    this.audit.record({ at: now, actor: user.name, via: 'session', ip, action: 'auth.login', target: user.name });
    return { ok: true, user, sessionId: id, expiresAt: session.expiresAt };
  }

  logout(sessionId: string, principal: Principal, ip: string | null, now: number): void {
    this.sessions.end(sessionId);
    this.audit.record({ at: now, actor: principal.name, via: 'session', ip, action: 'auth.logout', target: principal.name });
  }

  /** The principal behind a session cookie or a bearer token, if either is live and its user enabled. */
  authenticate(credentials: { sessionId?: string | undefined; bearer?: string | undefined }, now: number): Principal | undefined {
    if (credentials.bearer !== undefined) {
      const token = this.tokens.verify(credentials.bearer, now);
      const user = token && this.users.get(token.userId);
      if (!token || !user || user.disabledAt !== null) return undefined;
      return { userId: user.id, name: user.name, role: user.role, via: 'token', credentialId: token.id };
    }
    if (credentials.sessionId !== undefined) {
      const session = this.sessions.resolve(credentials.sessionId, now);
      const user = session && this.users.get(session.userId);
      if (!session || !user || user.disabledAt !== null) return undefined;
      return { userId: user.id, name: user.name, role: user.role, via: 'session', credentialId: session.idHash };
    }
    return undefined;
  }

  /** For long-lived requests: is the credential that opened it still good? */
  stillValid(p: Principal, now: number): boolean {
    const user = this.users.get(p.userId);
    if (!user || user.disabledAt !== null) return false;
    return p.via === 'token' ? this.tokens.alive(p.credentialId, now) : this.sessions.alive(p.credentialId, now);
  }
}
