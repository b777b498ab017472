import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { createTestPki, HAVE_OPENSSL, type TestPki } from '../../agent/src/testing/tls.testutil.js';
import { authHeaders, rememberToken } from '../harness/auth.js';
import { waitFor } from '../harness/ports.js';
import { AGENT_CLI, LoggedProcess, type RunningCollector, startAgent, startCollector } from '../harness/processes.js';
import { tempDir } from '../harness/tmp.js';

const SECRET = 'tls-test-enroll-secret-001';

function getJson<T>(url: string, ca: string): Promise<T> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca, headers: authHeaders(url) }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c));
        res.on('end', () => resolve(JSON.parse(body) as T));
      })
      .on('error', reject);
  });
}

/** The serial number of the certificate the server presents right now. */
function servedSerial(port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca }, () => {
      resolve(socket.getPeerCertificate().serialNumber);
      socket.end();
    });
    socket.on('error', reject);
  });
}

describe.skipIf(!HAVE_OPENSSL)('TLS between agent and collector', () => {
  const tmp = tempDir('tls');
  let pki: TestPki;
  let collector: RunningCollector;
  let base: string;
  const agents: LoggedProcess[] = [];
  const certFile = path.join(tmp.dir, 'collector.pem');
  const keyFile = path.join(tmp.dir, 'collector.key');

  beforeAll(async () => {
    pki = createTestPki();
    const issued = pki.issue('collector', { san: 'DNS:localhost,IP:127.0.0.1' });
    writeFileSync(certFile, issued.cert);
    writeFileSync(keyFile, issued.key, { mode: 0o600 });
    collector = await startCollector(tmp.dir, { enroll: { secrets: [SECRET] }, tls: { certFile, keyFile } });
    base = `https://localhost:${collector.port}`;
    rememberToken(base, collector.token);
  });
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await collector?.stop();
    pki?.remove();
    tmp.remove();
  });

  it('an agent with collector.caFile enrolls and reports over https/wss', async () => {
    const agent = startAgent(tmp.dir, 'pc-tls-trusting', { collector: { url: base, enrollSecret: SECRET, caFile: pki.caFile }, intervalSec: 2 });
    agents.push(agent);
    const host = await waitFor(async () => {
      const { hosts } = await getJson<{ hosts: Array<{ hostname: string; connected: boolean; lastSeq: number }> }>(`${base}/v1/hosts`, pki.ca);
      return hosts.find((h) => h.hostname === 'pc-tls-trusting' && h.connected && h.lastSeq >= 1);
    }, 'the agent to report over TLS', 30_000);
    expect(host.connected).toBe(true);
  });

  it('an agent without the CA refuses the certificate and says to set collector.caFile', async () => {
    const agent = startAgent(tmp.dir, 'pc-tls-untrusting', { collector: { url: base, enrollSecret: SECRET } });
    agents.push(agent);
    const error = await agent.waitForLog(/is not trusted/);
    expect(error.level).toBe(50);
    expect(String(error.msg)).toContain('collector.caFile');
    const { hosts } = await getJson<{ hosts: Array<{ hostname: string }> }>(`${base}/v1/hosts`, pki.ca);
    expect(hosts.some((h) => h.hostname === 'pc-tls-untrusting')).toBe(false);
  });

  it('reloads a renewed certificate on SIGHUP', async () => {
    const before = await servedSerial(collector.port, pki.ca);
    const renewed = pki.issue('collector-renewed', { san: 'DNS:localhost,IP:127.0.0.1' });
    writeFileSync(certFile, renewed.cert);
    writeFileSync(keyFile, renewed.key, { mode: 0o600 });
    collector.child.kill('SIGHUP');
    await collector.waitForLog('SIGHUP: TLS certificate and key reloaded');
    const after = await servedSerial(collector.port, pki.ca);
    expect(after).not.toBe(before);
  });

  it('the agent refuses plain ws:// to a non-loopback address at start-up (nothing is sent)', async () => {
    const configFile = path.join(tmp.dir, 'insecure.yaml');
    writeFileSync(configFile, YAML.stringify({ collector: { url: 'ws://192.0.2.10:8080', enrollSecret: SECRET }, stateDir: path.join(tmp.dir, 'insecure-state') }));
    const proc = new LoggedProcess('insecure', spawn(process.execPath, [AGENT_CLI, 'run', '--config', configFile], { stdio: ['ignore', 'pipe', 'pipe'] }));
    expect(await proc.exited).toBe(1);
    const text = proc.lines.map((l) => String(l.msg)).join('\n');
    expect(text).toContain('collector.url: ws://192.0.2.10:8080 is not encrypted');
    expect(text).toContain('SIAGA_ERR_INVALID_CONFIG');
  });
});
