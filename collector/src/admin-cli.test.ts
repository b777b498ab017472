import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { adminCommand } from './admin-cli.js';
import { parseCollectorConfig } from './config.js';
import { openDatabase } from './store/db.js';
import { HostEventStore } from './store/host-events.js';
import { HostStore } from './store/hosts.js';
import { sha256 } from './store/secrets.js';

describe('siaga-collector secrets / hosts', () => {
  let dir: string;
  let configFile: string;
  let out: string;
  let err: string;
  const io = { out: (t: string) => void (out += t), err: (t: string) => void (err += t) };
  const run = (group: 'secrets' | 'hosts', ...args: string[]) => {
    out = '';
    err = '';
    return adminCommand(group, [...args, '--config', configFile], io);
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'siaga-admin-'));
    configFile = path.join(dir, 'collector.yaml');
    writeFileSync(configFile, YAML.stringify({ dataDir: 'data' }));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates two secrets, refuses a third until one is revoked, and lists them', () => {
    expect(run('secrets', 'create')).toBe(0);
    const secret = /\n\s+(\S+)\n/.exec(out)?.[1] as string;
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(run('secrets', 'create', '--json')).toBe(0);
    const second = JSON.parse(out) as { id: string; secret: string };
    expect(() => run('secrets', 'create')).toThrow(/at most 2 may be/);
    expect(run('secrets', 'revoke', second.id)).toBe(0);
    expect(run('secrets', 'revoke', second.id)).toBe(1);
    expect(err).toContain('no active enroll secret');
    expect(run('secrets', 'create')).toBe(0);
    expect(run('secrets', 'list')).toBe(0);
    expect(out.split('\n').filter((l) => / active$/.test(l))).toHaveLength(2);
    expect(out).toContain(`${second.id}`);
    expect(out).toMatch(/revoked \d{4}-/);
    expect(out).not.toContain(secret);
  });

  it('lists hosts and revokes one by id prefix, recording the event', () => {
    const db = openDatabase(path.join(dir, 'data'));
    const host = new HostStore(db).enroll({ nonce: 'nonce-cccccccccccccccc', nodeKeyHash: sha256('k'), host: { id: crypto.randomUUID(), hostname: 'pc-finance-01' }, os: { platform: 'linux', distro: 'Debian', release: '12', arch: 'x64' }, labels: { site: 'jakarta', tags: [] }, agentVersion: 't', now: 1 });
    db.close();
    expect(run('hosts', 'list')).toBe(0);
    expect(out).toMatch(new RegExp(`${host.id}\\s+pc-finance-01\\s+jakarta\\s+-\\s+1970-01-01T00:00:00Z\\s+-\\s+active`));
    expect(run('hosts', 'revoke', host.id.slice(0, 8))).toBe(0);
    expect(out).toContain('pc-finance-01) revoked');
    expect(run('hosts', 'revoke', host.id)).toBe(0);
    expect(out).toContain('already revoked');
    expect(run('hosts', 'revoke', 'ffffffff')).toBe(1);
    expect(run('hosts', 'list', '--json')).toBe(0);
    expect((JSON.parse(out) as { hosts: Array<{ revokedAt: number | null }> }).hosts[0]?.revokedAt).toBeGreaterThan(0);
    const check = openDatabase(path.join(dir, 'data'));
    expect(new HostEventStore(check).forHost(host.id).map((e) => [e.kind, e.detail])).toEqual([['revoked', { via: 'cli' }]]);
    check.close();
  });

  it('explains its usage', () => {
    expect(run('hosts', 'revoke')).toBe(2);
    expect(err).toContain('siaga-collector hosts list|revoke <id>');
    expect(adminCommand('secrets', ['create'], io)).toBe(2);
  });
});

describe('gateway and tls config', () => {
  it('fills the gateway defaults and names the field of a bad value', () => {
    const config = parseCollectorConfig({ dataDir: '/tmp/x' });
    expect(config.gateway.maxFragments).toBe(64);
    expect(config.gateway.handshakeRate).toEqual({ perSecond: 20, burst: 200 });
    expect(() => parseCollectorConfig({ dataDir: '/tmp/x', gateway: { frameRate: { perSecond: -1, burst: 10 } } })).toThrow(/gateway\.frameRate\.perSecond/);
    expect(() => parseCollectorConfig({ dataDir: '/tmp/x', gateway: { maxConnectionsPerIp: 'many' } })).toThrow(/gateway\.maxConnectionsPerIp/);
    expect(() => parseCollectorConfig({ dataDir: '/tmp/x', gateway: { handshakeTimeout: 5 } })).toThrow(/handshakeTimeout/);
    expect(() => parseCollectorConfig({ dataDir: '/tmp/x', tls: { certFile: 'a.pem' } })).toThrow(/tls\.keyFile/);
    expect(parseCollectorConfig({ dataDir: '/tmp/x', tls: { certFile: 'a.pem', keyFile: 'k.pem' } }, '/etc/siaga').tls).toEqual({ certFile: '/etc/siaga/a.pem', keyFile: '/etc/siaga/k.pem' });
  });
});
