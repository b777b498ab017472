import { spawn } from 'node:child_process';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../harness/processes.js';
import { tempDir } from '../harness/tmp.js';
import { ARTIFACTS, BUILD_TIMEOUT_MS, buildArtifacts } from './build.js';

const SECRET = 'install-sh-test-secret-000001';

/** The collector's /downloads/ as install.sh expects it, served from dist/agent on loopback. */
function downloads(options: { tamper: boolean }): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const name = (req.url ?? '').replace(/^\/downloads\//, '');
    if (name === 'SHA256SUMS' && options.tamper) {
      res.end(readFileSync(path.join(ARTIFACTS, 'SHA256SUMS'), 'utf8').replace(/^[0-9a-f]{64}(?=  siaga-agent-linux-x64$)/m, '0'.repeat(64)));
      return;
    }
    if (!/^(SHA256SUMS|siaga-agent-linux-x64)$/.test(name)) {
      res.statusCode = 404;
      res.end();
      return;
    }
    const file = path.join(ARTIFACTS, name);
    res.setHeader('content-length', statSync(file).size);
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function installSh(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', [path.join(REPO_ROOT, 'packaging/install.sh'), ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe('install.sh', () => {
  const tmp = tempDir('install-sh');
  const servers: http.Server[] = [];

  beforeAll(async () => {
    await buildArtifacts('build-sea.mjs', ['--targets', 'linux-x64']);
  }, BUILD_TIMEOUT_MS);
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    tmp.remove();
  });

  it('downloads the executable, checks it against SHA256SUMS and installs with the given labels', async () => {
    const server = await downloads({ tamper: false });
    servers.push(server);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const root = path.join(tmp.dir, 'root');
    const result = await installSh(['--collector', url, '--site', 'hq', '--tags', 'a,b', '--root', root], { SIAGA_ENROLL_SECRET: SECRET });
    expect(result.out).toContain(`staged a linux installation under ${root}`);
    expect(result.code).toBe(0);
    const config = YAML.parse(readFileSync(path.join(root, 'etc/siaga/agent.yaml'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({ collector: { url, enrollSecretFile: '/etc/siaga/enroll-secret' }, labels: { site: 'hq', tags: ['a', 'b'] } });
    expect(readFileSync(path.join(root, 'etc/siaga/enroll-secret'), 'utf8')).toBe(`${SECRET}\n`);
    expect(readFileSync(path.join(root, 'usr/local/bin/siaga-agent')).equals(readFileSync(path.join(ARTIFACTS, 'siaga-agent-linux-x64')))).toBe(true);
  });

  it('refuses a download whose checksum differs', async () => {
    const server = await downloads({ tamper: true });
    servers.push(server);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const root = path.join(tmp.dir, 'tampered');
    const result = await installSh(['--collector', url, '--root', root], { SIAGA_ENROLL_SECRET: SECRET });
    expect(result.out).toMatch(/checksum of siaga-agent-linux-x64 is [0-9a-f]{64}, SHA256SUMS says 0{64}: not installing/);
    expect(result.code).toBe(1);
    expect(() => statSync(root)).toThrow();
  });

  it('needs a collector', async () => {
    const result = await installSh(['--site', 'hq'], {});
    expect(result.out).toContain('pass --collector <url>');
    expect(result.code).toBe(1);
  });
});
