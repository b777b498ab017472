import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../harness/tmp.js';
import { BUILD_TIMEOUT_MS, buildArtifacts } from './build.js';

const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8' });

describe('Debian package', () => {
  const tmp = tempDir('deb');
  let deb: string;
  let root: string;

  beforeAll(async () => {
    [deb] = (await buildArtifacts('build-deb.mjs')) as [string];
    root = path.join(tmp.dir, 'root');
    const extract = run('dpkg-deb', ['-x', deb, root]);
    expect(extract.status, extract.stderr).toBe(0);
    expect(run('dpkg-deb', ['--control', deb, path.join(tmp.dir, 'control')]).status).toBe(0);
  }, BUILD_TIMEOUT_MS);
  afterAll(() => tmp.remove());

  it('declares the package and its maintainer scripts', () => {
    const field = (name: string) => run('dpkg-deb', ['--field', deb, name]).stdout.trim();
    expect(field('Package')).toBe('siaga-agent');
    expect(field('Architecture')).toBe('amd64');
    expect(field('Version')).toMatch(/^\d+\.\d+\.\d+$/);
    expect(Number(field('Installed-Size'))).toBeGreaterThan(50_000);
    const control = path.join(tmp.dir, 'control');
    for (const script of ['postinst', 'prerm', 'postrm']) {
      const check = run('sh', ['-n', path.join(control, script)]);
      expect(check.status, `${script}: ${check.stderr}`).toBe(0);
    }
    expect(readFileSync(path.join(control, 'postinst'), 'utf8')).toContain('/usr/bin/siaga-agent install --prefix /usr');
  });

  it('holds the program, its links and the unit, and no machine config or state', () => {
    const files = run('dpkg-deb', ['--contents', deb]).stdout;
    expect(files).toMatch(/\.\/usr\/lib\/siaga-agent\/\d+\.\d+\.\d+-[0-9a-f]+\/siaga-agent\n/);
    expect(files).toContain('./usr/bin/siaga-agent -> ../lib/siaga-agent/current/siaga-agent');
    expect(files).toContain('./usr/lib/systemd/system/siaga-agent.service');
    expect(readFileSync(path.join(root, 'usr/share/doc/siaga-agent/copyright'), 'utf8')).toMatch(/\npino \d+\.\d+\.\d+ \(MIT\)\n/);
    expect(files).not.toContain('./etc/');
    expect(files).not.toContain('./var/');
    expect(readlinkSync(path.join(root, 'usr/lib/siaga-agent/current'))).toMatch(/^\d+\.\d+\.\d+-[0-9a-f]+$/);
  });

  it('runs from /usr/bin and its unit verifies against the packaged program', () => {
    const version = run(path.join(root, 'usr/bin/siaga-agent'), ['--version']);
    expect(version.stdout).toMatch(/^siaga-agent \d+\.\d+\.\d+ \([0-9a-f]{7,}\)\n$/);
    const unit = readFileSync(path.join(root, 'usr/lib/systemd/system/siaga-agent.service'), 'utf8');
    expect(unit).toContain('ExecStart=/usr/lib/siaga-agent/current/siaga-agent run --config /etc/siaga/agent.yaml');
    expect(unit).toContain('ConditionPathExists=/etc/siaga/agent.yaml');
    mkdirSync(path.join(root, 'lib/systemd'), { recursive: true });
    cpSync('/lib/systemd/system', path.join(root, 'lib/systemd/system'), { recursive: true });
    const verify = run('systemd-analyze', ['verify', `--root=${root}`, '/usr/lib/systemd/system/siaga-agent.service']);
    expect(`${verify.stdout}${verify.stderr}`.trim()).toBe('');
    expect(verify.status).toBe(0);
  });

  describe('postinst', () => {
    /**
     * The package's own postinst with its absolute paths moved into a scratch folder and
     * /usr/bin/siaga-agent replaced by a stand-in that records how it was called.
     */
    function postinst(name: string, env: NodeJS.ProcessEnv, setup: { defaults?: string; secret?: string; config?: boolean; exitCode?: number } = {}) {
      const dir = path.join(tmp.dir, `postinst-${name}`);
      mkdirSync(path.join(dir, 'etc'), { recursive: true });
      const stub = path.join(dir, 'siaga-agent');
      writeFileSync(
        stub,
        `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/args"\nprev=""\nfor a in "$@"; do\n  if [ "$prev" = --enroll-secret-file ]; then cat "$a" > "${dir}/secret"; ls -l "$a" | cut -c1-10 > "${dir}/secret-mode"; echo "$a" > "${dir}/secret-path"; fi\n  prev=$a\ndone\nexit ${setup.exitCode ?? 0}\n`,
        { mode: 0o755 },
      );
      const script = readFileSync(path.join(tmp.dir, 'control', 'postinst'), 'utf8')
        .replaceAll('/usr/bin/siaga-agent', stub)
        .replaceAll('/etc/default/siaga-agent', path.join(dir, 'etc', 'default'))
        .replaceAll('/etc/siaga/enroll-secret', path.join(dir, 'etc', 'enroll-secret'))
        .replaceAll('/etc/siaga/agent.yaml', path.join(dir, 'etc', 'agent.yaml'));
      writeFileSync(path.join(dir, 'postinst'), script, { mode: 0o755 });
      if (setup.defaults !== undefined) writeFileSync(path.join(dir, 'etc', 'default'), setup.defaults);
      if (setup.secret !== undefined) writeFileSync(path.join(dir, 'etc', 'enroll-secret'), setup.secret);
      if (setup.config) writeFileSync(path.join(dir, 'etc', 'agent.yaml'), 'collector: {}\n');
      const result = spawnSync('sh', [path.join(dir, 'postinst'), 'configure', ''], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });
      const read = (f: string) => (existsSync(path.join(dir, f)) ? readFileSync(path.join(dir, f), 'utf8').trim() : undefined);
      return { status: result.status, stdout: result.stdout, args: read('args')?.split('\n'), secret: read('secret'), secretMode: read('secret-mode'), secretPath: read('secret-path'), dir };
    }

    it('installs from SIAGA_* variables, passing the secret in a private file it removes afterwards', () => {
      const r = postinst('env', { SIAGA_COLLECTOR_URL: 'https://collector.example:8443', SIAGA_ENROLL_SECRET: 'postinst-secret-0123456789', SIAGA_SITE: 'hq', SIAGA_TAGS: 'a,b' });
      expect(r.status).toBe(0);
      expect(r.args).toEqual(['install', '--prefix', '/usr', '--collector', 'https://collector.example:8443', '--enroll-secret-file', r.secretPath, '--site', 'hq', '--tags', 'a,b']);
      expect(r.secret).toBe('postinst-secret-0123456789');
      expect(r.secretMode).toBe('-rw-------');
      expect(existsSync(r.secretPath as string)).toBe(false);
    });

    it('reads /etc/default/siaga-agent and a secret placed beforehand', () => {
      const r = postinst('defaults', {}, { defaults: 'SIAGA_COLLECTOR_URL=https://c.example\nSIAGA_GROUP=finance\n', secret: 'placed-secret-0123456789' });
      expect(r.args).toEqual(['install', '--prefix', '/usr', '--collector', 'https://c.example', '--enroll-secret-file', path.join(r.dir, 'etc', 'enroll-secret'), '--group', 'finance']);
      expect(existsSync(path.join(r.dir, 'etc', 'enroll-secret'))).toBe(true);
    });

    it('keeps an existing config on upgrade, and only explains when there is none', () => {
      expect(postinst('upgrade', {}, { config: true }).args).toEqual(['install', '--prefix', '/usr']);
      const fresh = postinst('fresh', {});
      expect(fresh.status).toBe(0);
      expect(fresh.args).toBeUndefined();
      expect(fresh.stdout).toContain('sudo siaga-agent install --collector');
    });

    it('fails the configuration when the install fails, and still removes the secret', () => {
      const r = postinst('failing', { SIAGA_COLLECTOR_URL: 'https://c.example', SIAGA_ENROLL_SECRET: 'postinst-secret-0123456789' }, { exitCode: 3 });
      expect(r.status).toBe(3);
      expect(existsSync(r.secretPath as string)).toBe(false);
    });
  });
});
