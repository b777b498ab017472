import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadAgentConfig } from '../config.js';
import type { CommandRunner } from '../exec.js';
import { install, type InstallOptions, uninstall } from './install.js';
import { VERSION_NAME } from './layout.js';

const SECRET = 'install-test-secret-0123456789';
const neverRun: CommandRunner = async (file) => {
  throw new Error(`--root must not call ${file}`);
};

let tmp: string;
let root: string;
let binary: string;
let secretFile: string;

beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'siaga-install-'));
  root = path.join(tmp, 'root');
  binary = path.join(tmp, 'siaga-agent-build');
  writeFileSync(binary, '#!/bin/sh\necho fake agent\n', { mode: 0o755 });
  secretFile = path.join(tmp, 'secret');
  writeFileSync(secretFile, `${SECRET}\n`);
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

const options = (extra: Partial<InstallOptions> = {}): InstallOptions => ({
  platform: 'linux',
  root,
  binary,
  collectorUrl: 'https://collector.example:8443',
  enrollSecretFile: secretFile,
  allowInsecure: false,
  site: 'hq',
  group: 'finance',
  tags: ['floor-2', 'kiosk'],
  fromMsi: false,
  run: neverRun,
  ...extra,
});

const mode = (p: string) => statSync(p).mode & 0o777;
const at = (p: string) => path.join(root, p);

describe('install --root (linux)', () => {
  it('stages program, private config, secret and state, and a unit', async () => {
    await install(options());
    const program = at(`/usr/local/lib/siaga-agent/${VERSION_NAME}/siaga-agent`);
    expect(readFileSync(program, 'utf8')).toContain('fake agent');
    expect(mode(program)).toBe(0o755);
    expect(readlinkSync(at('/usr/local/lib/siaga-agent/current'))).toBe(VERSION_NAME);
    expect(readlinkSync(at('/usr/local/bin/siaga-agent'))).toBe('../lib/siaga-agent/current/siaga-agent');
    expect(readFileSync(at('/usr/local/bin/siaga-agent'), 'utf8')).toContain('fake agent');

    expect(mode(at('/etc/siaga'))).toBe(0o700);
    expect(mode(at('/etc/siaga/agent.yaml'))).toBe(0o600);
    expect(mode(at('/etc/siaga/enroll-secret'))).toBe(0o600);
    expect(readFileSync(at('/etc/siaga/enroll-secret'), 'utf8')).toBe(`${SECRET}\n`);
    expect(mode(at('/var/lib/siaga-agent'))).toBe(0o700);
    // Parents keep ordinary permissions.
    expect(mode(at('/var/lib'))).toBe(0o755);

    const config = loadAgentConfig(at('/etc/siaga/agent.yaml'));
    expect(config.collector).toMatchObject({ url: 'https://collector.example:8443', enrollSecretFile: '/etc/siaga/enroll-secret', allowInsecure: false });
    expect(config.stateDir).toBe('/var/lib/siaga-agent');
    expect(config.labels).toEqual({ site: 'hq', group: 'finance', tags: ['floor-2', 'kiosk'] });

    const unit = readFileSync(at('/usr/local/lib/systemd/system/siaga-agent.service'), 'utf8');
    expect(unit).toContain('ExecStart=/usr/local/lib/siaga-agent/current/siaga-agent run --config /etc/siaga/agent.yaml');
    expect(unit).toContain('ReadWritePaths=/var/lib/siaga-agent');
    expect(unit).not.toMatch(/^MemoryDenyWriteExecute=/m);
  });

  it('writes a unit that systemd-analyze verify accepts within the staged root', async () => {
    await install(options({ prefix: '/usr' }));
    // verify resolves ExecStart and the targets the unit names inside --root: give it systemd's own units.
    mkdirSync(at('/lib/systemd'), { recursive: true });
    cpSync('/lib/systemd/system', at('/lib/systemd/system'), { recursive: true });
    const verify = spawnSync('systemd-analyze', ['verify', `--root=${root}`, '/usr/lib/systemd/system/siaga-agent.service'], { encoding: 'utf8' });
    expect(verify.error).toBeUndefined();
    expect(`${verify.stdout}${verify.stderr}`.trim()).toBe('');
    expect(verify.status).toBe(0);

    // And it does look inside the root: without the program the same unit is refused.
    rmSync(at(`/usr/lib/siaga-agent/${VERSION_NAME}/siaga-agent`));
    const missing = spawnSync('systemd-analyze', ['verify', `--root=${root}`, '/usr/lib/systemd/system/siaga-agent.service'], { encoding: 'utf8' });
    expect(missing.stderr).toMatch(/is not executable/);
  });

  it('keeps the previous version for a rollback and removes older ones', async () => {
    mkdirSync(at('/usr/local/lib/siaga-agent/0.0.1-aaaaaaa'), { recursive: true });
    mkdirSync(at('/usr/local/lib/siaga-agent/0.0.2-bbbbbbb'), { recursive: true });
    mkdirSync(at('/usr/local/lib'), { recursive: true });
    spawnSync('ln', ['-s', '0.0.2-bbbbbbb', at('/usr/local/lib/siaga-agent/current')]);
    await install(options());
    expect(readdirSync(at('/usr/local/lib/siaga-agent')).sort()).toEqual(['0.0.2-bbbbbbb', VERSION_NAME, 'current'].sort());
    expect(readlinkSync(at('/usr/local/lib/siaga-agent/current'))).toBe(VERSION_NAME);
  });

  it('keeps the config when run again without --collector, and refuses labels without it', async () => {
    await install(options());
    const before = readFileSync(at('/etc/siaga/agent.yaml'), 'utf8');
    await install(options({ collectorUrl: undefined, enrollSecretFile: undefined, site: undefined, group: undefined, tags: [] }));
    expect(readFileSync(at('/etc/siaga/agent.yaml'), 'utf8')).toBe(before);
    await expect(install(options({ collectorUrl: undefined, enrollSecretFile: undefined }))).rejects.toThrow(/pass --collector with them/);
  });

  it('names the option that is wrong and writes nothing', async () => {
    await expect(install(options({ collectorUrl: 'not a url' }))).rejects.toThrow(/^--collector: /);
    await expect(install(options({ collectorUrl: 'http://10.1.2.3:8080' }))).rejects.toThrow(/^--collector: http:\/\/10\.1\.2\.3:8080 is not encrypted/);
    await expect(install(options({ site: 'bad site name!' }))).rejects.toThrow(/^--site: /);
    writeFileSync(secretFile, 'short');
    await expect(install(options())).rejects.toThrow(/16 to 256 characters/);
    expect(() => lstatSync(root)).toThrow();
  });

  it('accepts plain http to a remote collector only with --allow-insecure', async () => {
    await install(options({ collectorUrl: 'http://10.1.2.3:8080', allowInsecure: true }));
    expect(loadAgentConfig(at('/etc/siaga/agent.yaml')).collector.allowInsecure).toBe(true);
  });

  it('installs a CA bundle next to the config and points the config at it', async () => {
    const ca = path.join(tmp, 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    await install(options({ caFile: ca }));
    expect(loadAgentConfig(at('/etc/siaga/agent.yaml')).collector.caFile).toBe('/etc/siaga/collector-ca.pem');
    expect(readFileSync(at('/etc/siaga/collector-ca.pem'), 'utf8')).toContain('BEGIN CERTIFICATE');
  });

  it('installs the release key for automatic updates, keeps it when the config is rewritten, and refuses a malformed one', async () => {
    const key = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x as string;
    const releaseKey = Buffer.from(key, 'base64url').toString('base64');
    await install(options({ releaseKey }));
    expect(loadAgentConfig(at('/etc/siaga/agent.yaml')).update.publicKeyFile).toBe('/etc/siaga/release-key.pub');
    expect(readFileSync(at('/etc/siaga/release-key.pub'), 'utf8')).toBe(`${releaseKey}\n`);
    await install(options({ site: 'branch' }));
    expect(loadAgentConfig(at('/etc/siaga/agent.yaml')).update.publicKeyFile).toBe('/etc/siaga/release-key.pub');
    await expect(install(options({ releaseKey: 'c2hvcnQ=' }))).rejects.toThrow(/^--release-key: expected the 32-byte Ed25519 public key in base64/);
  });
});

describe('uninstall --root', () => {
  it('removes program, unit, config and secret but keeps the state unless purged', async () => {
    await install(options());
    writeFileSync(at('/var/lib/siaga-agent/state.json'), '{}');
    await uninstall({ platform: 'linux', root, purge: false, fromMsi: false, run: neverRun });
    for (const gone of ['/usr/local/lib/siaga-agent', '/usr/local/bin/siaga-agent', '/usr/local/lib/systemd/system/siaga-agent.service', '/etc/siaga']) {
      expect(() => lstatSync(at(gone)), gone).toThrow();
    }
    expect(readFileSync(at('/var/lib/siaga-agent/state.json'), 'utf8')).toBe('{}');
    await uninstall({ platform: 'linux', root, purge: true, fromMsi: false, run: neverRun });
    expect(() => lstatSync(at('/var/lib/siaga-agent'))).toThrow();
  });
});
