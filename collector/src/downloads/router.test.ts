import { createHash, createPrivateKey } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../log.js';
import { ReleaseCatalog } from '../releases/catalog.js';
import { generateReleaseKey, signRelease } from '../releases/signing.js';
import { downloadsRouter } from './router.js';

const FILES: Record<string, string> = {
  'siaga-agent-linux-x64': 'ELF linux build',
  'siaga-agent-win-x64.exe': 'MZ windows build',
  'siaga-agent-0.1.0-x64.msi': 'msi',
  'siaga-agent_0.1.0_amd64.deb': 'deb',
};
const RELEASE_KEY = generateReleaseKey();

describe('downloads and install lines', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'siaga-downloads-'));
  let server: Server;
  let base = '';

  beforeAll(async () => {
    const sums = Object.entries(FILES).map(([name, content]) => {
      writeFileSync(path.join(dir, name), content);
      return `${createHash('sha256').update(content).digest('hex')}  ${name}\n`;
    });
    writeFileSync(path.join(dir, 'SHA256SUMS'), sums.join(''));
    writeFileSync(path.join(dir, 'install.sh'), '#!/bin/sh\necho install\n');
    writeFileSync(path.join(dir, 'mdm-install.sh'), '#!/bin/sh\n');
    // Present in the folder, never listed: not served.
    writeFileSync(path.join(dir, 'build.json'), '{}');
    writeFileSync(path.join(dir, '.siaga-agent-linux-x64.inputs'), 'stamp');
    mkdirSync(path.join(dir, 'private'));
    writeFileSync(path.join(dir, 'private', 'release.key'), 'secret');
    await signRelease({ key: createPrivateKey(RELEASE_KEY.privatePem), from: dir, to: dir, version: '0.2.0', commit: 'abc1234' });
    const catalog = new ReleaseCatalog(dir, createLogger('silent'));
    catalog.scan();
    const app = express();
    app.use(downloadsRouter({ packagesDir: dir, catalog, publicUrl: 'https://collector.example:8443', releaseKey: RELEASE_KEY.publicKey, tls: true }));
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the files SHA256SUMS lists and the install scripts, each with its content type', async () => {
    const cases: Array<[string, string, string]> = [
      ['install.sh', 'text/x-shellscript; charset=utf-8', '#!/bin/sh\necho install\n'],
      ['SHA256SUMS', 'text/plain; charset=utf-8', ''],
      ['siaga-agent-linux-x64', 'application/octet-stream', FILES['siaga-agent-linux-x64']!],
      ['siaga-agent-0.1.0-x64.msi', 'application/x-msi', 'msi'],
      ['siaga-agent_0.1.0_amd64.deb', 'application/vnd.debian.binary-package', 'deb'],
      ['releases/0.2.0/siaga-agent-win-x64.exe', 'application/octet-stream', FILES['siaga-agent-win-x64.exe']!],
      ['releases/0.2.0/manifest.json', 'application/json; charset=utf-8', ''],
    ];
    for (const [name, type, body] of cases) {
      const res = await fetch(`${base}/downloads/${name}`);
      expect(res.status, name).toBe(200);
      expect(res.headers.get('content-type'), name).toBe(type);
      const text = await res.text();
      if (body) expect(text).toBe(body);
    }
    const exe = await fetch(`${base}/downloads/siaga-agent-linux-x64`);
    expect(exe.headers.get('content-disposition')).toBe('attachment; filename="siaga-agent-linux-x64"');
  });

  it('serves nothing else from the folder, however the name is spelled', async () => {
    for (const name of ['build.json', '.siaga-agent-linux-x64.inputs', 'private/release.key', 'private%2Frelease.key', '..%2F..%2Fetc%2Fpasswd', '%2e%2e%2fSHA256SUMS', 'releases/0.2.0/..%2F..%2Fbuild.json', 'releases/0.9.0/manifest.json', 'releases/0.2.0/build.json', 'nope']) {
      const res = await fetch(`${base}/downloads/${name}`);
      expect(res.status, name).toBe(404);
      expect(await res.text()).not.toContain('secret');
    }
  });

  it('answers /v1/install with copy-paste lines for this collector, the release key and no secret', async () => {
    const res = await fetch(`${base}/v1/install?site=hq&group=finance`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    const url = 'https://collector.example:8443';
    expect(text).toContain(`curl -fsSL '${url}/downloads/install.sh' | sudo SIAGA_ENROLL_SECRET='<enroll-secret>' sh -s -- --collector '${url}' --site hq --group finance --release-key ${RELEASE_KEY.publicKey}`);
    expect(text).toContain(`curl -fsSLO '${url}/downloads/siaga-agent_0.1.0_amd64.deb'`);
    expect(text).toContain(`sudo SIAGA_COLLECTOR_URL='${url}' SIAGA_ENROLL_SECRET='<enroll-secret>' SIAGA_SITE=hq SIAGA_GROUP=finance SIAGA_RELEASE_KEY=${RELEASE_KEY.publicKey} apt-get install -y ./siaga-agent_0.1.0_amd64.deb`);
    expect(text).toContain(`msiexec /i "${url}/downloads/siaga-agent-0.1.0-x64.msi" /qn COLLECTOR_URL="${url}" ENROLL_SECRET="<enroll-secret>" SITE=hq GROUP=finance RELEASE_KEY="${RELEASE_KEY.publicKey}"`);
    expect(text).toContain(`${url}/downloads/mdm-install.sh`);
    expect(text).toContain('--ca-file <pem>');

    const page = await fetch(`${base}/v1/install`, { headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('<h1>Install the siaga agent</h1>');
    expect(html).toContain(`ENROLL_SECRET=&quot;&lt;enroll-secret&gt;&quot;`);
  });

  it('names the parameter of a label it cannot use', async () => {
    const res = await fetch(`${base}/v1/install?site=${encodeURIComponent("hq'; rm -rf /")}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'SIAGA_ERR_INVALID_REQUEST', path: 'site' } });
  });
});
