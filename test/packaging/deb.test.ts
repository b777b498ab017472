import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readlinkSync } from 'node:fs';
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
  }, BUILD_TIMEOUT_MS);
  afterAll(() => tmp.remove());

  it('declares the package and its maintainer scripts', () => {
    const field = (name: string) => run('dpkg-deb', ['--field', deb, name]).stdout.trim();
    expect(field('Package')).toBe('siaga-agent');
    expect(field('Architecture')).toBe('amd64');
    expect(field('Version')).toMatch(/^\d+\.\d+\.\d+$/);
    expect(Number(field('Installed-Size'))).toBeGreaterThan(50_000);
    const control = path.join(tmp.dir, 'control');
    expect(run('dpkg-deb', ['--control', deb, control]).status).toBe(0);
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
});
