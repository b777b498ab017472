import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from './db.js';
import { HostEventStore } from './host-events.js';
import { HostStore } from './hosts.js';
import { SecretStore, sha256 } from './secrets.js';

const host = (id = crypto.randomUUID()) => ({ id, hostname: `pc-${id.slice(0, 4)}` });
const os_ = { platform: 'linux', distro: 'Debian', release: '12', arch: 'x64' };

describe('enrollment state in the store', () => {
  let dir: string;
  let db: Db;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'siaga-store-'));
    db = openDatabase(dir);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps at most two enroll secrets active, counting those from the config file', () => {
    const secrets = new SecretStore(db);
    const a = secrets.create(1);
    secrets.create(2);
    expect(() => secrets.create(3)).toThrow(expect.objectContaining({ code: 'SIAGA_ERR_TOO_MANY_SECRETS', message: expect.stringContaining('revoke one first') }));
    expect(secrets.revoke(a.id)).toBe(true);
    expect(secrets.revoke(a.id)).toBe(false);
    secrets.create(4);
    expect(secrets.list().filter((s) => s.revokedAt === null)).toHaveLength(2);
    // With one secret in the config file, a single managed one fills the quota.
    const other = new SecretStore(db);
    for (const s of other.list()) other.revoke(s.id);
    other.create(5, 1);
    expect(() => other.create(6, 1)).toThrow(/1 of them in the config file/);
  });

  it('stores only the hash of a secret', () => {
    const secrets = new SecretStore(db);
    const { secret } = secrets.create();
    const dump = JSON.stringify(db.prepare('SELECT * FROM enroll_secrets').all());
    expect(dump).not.toContain(secret);
    expect(secrets.activeHashes()).toEqual([sha256(secret)]);
  });

  it('answers a retried enrollment (same nonce) with the same host, and a revoked host never again', () => {
    const hosts = new HostStore(db);
    const input = (nonce: string, key: string) => ({ nonce, nodeKeyHash: sha256(key), host: host(), os: os_, labels: { tags: [] }, agentVersion: 't', now: 1 });
    const first = hosts.enroll(input('nonce-aaaaaaaaaaaaaaaa', 'key-1'));
    const retry = hosts.enroll(input('nonce-aaaaaaaaaaaaaaaa', 'key-2'));
    expect(retry.id).toBe(first.id);
    expect(hosts.list()).toHaveLength(1);
    expect(hosts.byNodeKeyHash(sha256('key-1'))).toBeUndefined();
    expect(hosts.byNodeKeyHash(sha256('key-2'))?.id).toBe(first.id);

    expect(hosts.revoke(first.id, 5)).toBe(true);
    expect(hosts.revoke(first.id, 6)).toBe(false);
    expect(hosts.byNodeKeyHash(sha256('key-2'))).toBeUndefined();
    expect(hosts.get(first.id)?.revokedAt).toBe(5);
    expect(hosts.revokedAmong([first.id, 'other'])).toEqual([first.id]);
    // The same nonce after revocation is a new enrollment, not the revoked host.
    const again = hosts.enroll(input('nonce-aaaaaaaaaaaaaaaa', 'key-3'));
    expect(again.id).not.toBe(first.id);
    expect(again.revokedAt).toBeNull();
  });

  it('changes its revision when a host is added, revoked or says hello, not when it reports', () => {
    const hosts = new HostStore(db);
    const r0 = hosts.revision;
    const h = hosts.enroll({ nonce: 'nonce-cccccccccccccccc', nodeKeyHash: sha256('k3'), host: host(), os: os_, labels: { tags: [] }, agentVersion: 't', now: 1 });
    const r1 = hosts.revision;
    expect(r1).toBeGreaterThan(r0);
    hosts.recordReports([{ hostId: h.id, seq: 1, collectedAt: 2, receivedAt: 2, json: '{}' }]);
    hosts.touch(h.id, 3);
    expect(hosts.revision).toBe(r1);
    hosts.updateFacts(h.id, host(), os_, { site: 'hq', tags: [] }, 't', 4);
    const r2 = hosts.revision;
    expect(r2).toBeGreaterThan(r1);
    hosts.revoke(h.id, 5);
    expect(hosts.revision).toBeGreaterThan(r2);
    const r3 = hosts.revision;
    hosts.changedElsewhere();
    expect(hosts.revision).toBeGreaterThan(r3);
  });

  it('resolves a host by a unique id prefix', () => {
    const hosts = new HostStore(db);
    const a = hosts.enroll({ nonce: 'nonce-bbbbbbbbbbbbbbbb', nodeKeyHash: sha256('k'), host: host(), os: os_, labels: { tags: [] }, agentVersion: 't', now: 1 });
    expect(hosts.resolve(a.id)).toEqual({ host: a });
    expect(hosts.resolve(a.id.slice(0, 8))).toEqual({ host: a });
    expect(hosts.resolve('zzzz')).toEqual({ error: 'not_found', matches: 0 });
    expect(hosts.resolve('a%')).toEqual({ error: 'not_found', matches: 0 });
  });

  it('folds repeated events of one kind into one row with a count, and tells listeners once', () => {
    const events = new HostEventStore(db);
    const heard: string[] = [];
    events.onEvent((e) => heard.push(e.kind));
    events.record('h1', 'duplicate_identity', { newcomer: '10.0.0.2' }, 1_000);
    events.record('h1', 'duplicate_identity', { newcomer: '10.0.0.3' }, 2_000);
    events.record('h1', 'revoked', { via: 'cli' }, 3_000);
    events.record('h1', 'duplicate_identity', { newcomer: '10.0.0.4' }, 2_000 + 11 * 60_000);
    const list = events.forHost('h1');
    expect(list.map((e) => [e.kind, e.count])).toEqual([
      ['duplicate_identity', 1],
      ['revoked', 1],
      ['duplicate_identity', 2],
    ]);
    expect(list[2]?.detail).toEqual({ newcomer: '10.0.0.3' });
    expect(list[2]?.lastAt).toBe(2_000);
    expect(heard).toEqual(['duplicate_identity', 'revoked', 'duplicate_identity']);
    expect(events.pruneOld(2_000 + 181 * 86_400_000)).toBe(3);
  });
});
