import { mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../store/db.js';
import { Access } from './access.js';
import { ensureInitialAdmin, INITIAL_PASSWORD_FILE } from './bootstrap.js';

const MIN = 60_000;
const cli = { name: 'cli:test', via: 'cli' as const };

describe('access: users, sessions, tokens, audit (real SQLite)', () => {
  let dir: string;
  let db: Db;
  let access: Access;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'siaga-access-'));
    db = openDatabase(dir);
    access = new Access(db, { sessions: { idleMs: 30 * MIN, maxAgeMs: 8 * 60 * MIN }, lockout: { userFailures: 3, ipFailures: 50, baseLockMs: 10_000, maxLockMs: 60_000, forgetAfterMs: 60 * MIN } });
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs in with the right password only, and the session lasts until idle or too old', async () => {
    await access.addUser('ana', 'operator', 'ana-password-1', cli, 0);
    expect(await access.login('ana', 'wrong-password', '192.0.2.1', 'test', 0)).toEqual({ ok: false, reason: 'invalid' });
    expect(await access.login('nobody', 'ana-password-1', '192.0.2.1', 'test', 0)).toEqual({ ok: false, reason: 'invalid' });
    const ok = await access.login('ANA', 'ana-password-1', '192.0.2.1', 'test', 0);
    if (!ok.ok) throw new Error('login failed');
    expect(ok.user.name).toBe('ana');
    expect(access.authenticate({ sessionId: ok.sessionId }, 20 * MIN)).toMatchObject({ name: 'ana', role: 'operator', via: 'session' });
    // Used at 20 min: idle time restarts; still fine at 45 min, gone 30 min after the last use.
    expect(access.authenticate({ sessionId: ok.sessionId }, 45 * MIN)).toBeDefined();
    expect(access.authenticate({ sessionId: ok.sessionId }, 76 * MIN)).toBeUndefined();
    // The stored row is only a hash of the cookie value.
    const rows = db.prepare('SELECT id_hash FROM sessions').all() as Array<{ id_hash: string }>;
    expect(rows.every((r) => r.id_hash !== ok.sessionId)).toBe(true);
  });

  it('ends a busy session at its maximum age', async () => {
    await access.addUser('ana', 'viewer', 'ana-password-1', cli, 0);
    const ok = await access.login('ana', 'ana-password-1', '192.0.2.1', undefined, 0);
    if (!ok.ok) throw new Error('login failed');
    for (let t = 0; t < 8 * 60 * MIN; t += 20 * MIN) expect(access.authenticate({ sessionId: ok.sessionId }, t)).toBeDefined();
    expect(access.authenticate({ sessionId: ok.sessionId }, 8 * 60 * MIN)).toBeUndefined();
  });

  it('locks an account after repeated failures, even for the right password', async () => {
    await access.addUser('ana', 'viewer', 'ana-password-1', cli, 0);
    for (let i = 0; i < 3; i++) await access.login('ana', `guess-${i}-xxxxx`, '192.0.2.1', undefined, 0);
    expect(await access.login('ana', 'ana-password-1', '192.0.2.1', undefined, 1000)).toEqual({ ok: false, reason: 'locked', retryAfterMs: 9000 });
    expect((await access.login('ana', 'ana-password-1', '192.0.2.1', undefined, 10_000)).ok).toBe(true);
    expect(access.audit.list({ limit: 20 }).map((e) => e.action)).toEqual(['auth.login', 'auth.locked_out', 'auth.login_failed', 'auth.login_failed', 'auth.login_failed', 'user.create']);
  });

  it('issues API tokens shown once, stored hashed, that expire and can be revoked', async () => {
    const ana = await access.addUser('ana', 'operator', 'ana-password-1', cli, 0);
    const { token, info } = access.createToken(ana, 'backup script', 10 * MIN, cli, 0);
    expect(token).toMatch(/^siaga_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(db.prepare('SELECT * FROM api_tokens').all())).not.toContain(token.split('_').at(-1));
    expect(access.authenticate({ bearer: token }, MIN)).toMatchObject({ name: 'ana', role: 'operator', via: 'token', credentialId: info.id });
    const forged = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    expect(access.authenticate({ bearer: forged }, MIN)).toBeUndefined();
    expect(access.authenticate({ bearer: token }, 10 * MIN)).toBeUndefined();
    const second = access.createToken(ana, 'other', 60 * MIN, cli, 0);
    const p = access.authenticate({ bearer: second.token }, MIN);
    expect(p && access.stillValid(p, MIN)).toBe(true);
    expect(access.revokeToken(second.info.id, cli, 2 * MIN)).toBe(true);
    expect(access.revokeToken(second.info.id, cli, 2 * MIN)).toBe(false);
    expect(access.authenticate({ bearer: second.token }, 3 * MIN)).toBeUndefined();
    expect(p && access.stillValid(p, 3 * MIN)).toBe(false);
    // The token acts with the user's current role.
    access.setRole(ana, 'viewer', cli, 3 * MIN);
    const third = access.createToken(ana, 'third', 60 * MIN, cli, 3 * MIN);
    expect(access.authenticate({ bearer: third.token }, 4 * MIN)?.role).toBe('viewer');
    const actions = access.audit.list({ limit: 10 }).map((e) => `${e.action} ${e.actor}`);
    expect(actions).toContain('token.revoke cli:test');
    expect(actions).toContain('user.role cli:test');
  });

  it('ends sessions when a password changes or an account is disabled', async () => {
    const ana = await access.addUser('ana', 'viewer', 'ana-password-1', cli, 0);
    const first = await access.login('ana', 'ana-password-1', '192.0.2.1', undefined, 0);
    if (!first.ok) throw new Error('login failed');
    await access.setPassword(ana, 'ana-password-2', cli, MIN);
    expect(access.authenticate({ sessionId: first.sessionId }, MIN)).toBeUndefined();
    expect((await access.login('ana', 'ana-password-1', '192.0.2.1', undefined, MIN)).ok).toBe(false);
    const second = await access.login('ana', 'ana-password-2', '192.0.2.1', undefined, MIN);
    const { token } = access.createToken(ana, 'x', 60 * MIN, cli, MIN);
    access.setDisabled(ana, true, cli, 2 * MIN);
    expect(second.ok && access.authenticate({ sessionId: second.sessionId }, 2 * MIN)).toBeUndefined();
    expect(access.authenticate({ bearer: token }, 2 * MIN)).toBeUndefined();
    expect((await access.login('ana', 'ana-password-2', '192.0.2.1', undefined, 2 * MIN)).ok).toBe(false);
  });

  it('refuses short passwords and duplicate names (case-insensitive)', async () => {
    await expect(access.addUser('ana', 'viewer', 'short', cli, 0)).rejects.toThrow(/at least 10/);
    await access.addUser('ana', 'viewer', 'ana-password-1', cli, 0);
    await expect(access.addUser('Ana', 'viewer', 'ana-password-1', cli, 0)).rejects.toThrow(/already exists/);
    await expect(access.addUser('bad name', 'viewer', 'ana-password-1', cli, 0)).rejects.toThrow(/user name/);
  });

  it('creates the initial admin once, with a random password in a file only its owner can read', async () => {
    const log = pino({ level: 'silent' });
    await ensureInitialAdmin(access, dir, log, 0);
    const file = path.join(dir, INITIAL_PASSWORD_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const password = readFileSync(file, 'utf8').trim();
    expect(password.length).toBeGreaterThanOrEqual(20);
    expect((await access.login('admin', password, '192.0.2.1', undefined, 0)).ok).toBe(true);
    await ensureInitialAdmin(access, dir, log, 0);
    expect(readFileSync(file, 'utf8').trim()).toBe(password);
    expect(access.users.list().map((u) => `${u.name}:${u.role}`)).toEqual(['admin:admin']);
  });
});
