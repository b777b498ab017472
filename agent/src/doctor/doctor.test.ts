import { execFileSync } from 'node:child_process';
import { readFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CloseCode } from '@siaga/shared';
import { WebSocketServer } from 'ws';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CheckLine, renderChecklist } from './checklist.js';
import { runDoctor } from './doctor.js';
import { checkTls } from './network.js';

const GOOD_KEY = 'good-node-key-0123456789abcdef';
const SECRET = 'doctor-test-enroll-secret-0123';

let tmp: string;
const servers: Array<http.Server> = [];

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: tmp, stdio: 'pipe' });
}

/** A CA, and two server certificates it signs: one for localhost/127.0.0.1, one for another name. */
function makeCertificates(): void {
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30', '-subj', '/CN=siaga doctor test CA');
  for (const [name, san] of [
    ['local', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
    ['other', 'subjectAltName=DNS:collector.test'],
  ] as const) {
    writeFileSync(path.join(tmp, `${name}.ext`), `${san}\n`);
    openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '30', '-extfile', `${name}.ext`);
  }
}

/**
 * A collector stand-in: the agent endpoint refuses unknown node keys with 401 before the upgrade
 * (as the gateway does) and, when `duplicate` is set, closes accepted sockets with 4409.
 */
async function collector(options: { tls?: 'local' | 'other'; duplicate?: boolean } = {}): Promise<number> {
  const server = options.tls
    ? https.createServer({ key: readFileSync(path.join(tmp, `${options.tls}.key`)), cert: readFileSync(path.join(tmp, `${options.tls}.pem`)) })
    : http.createServer();
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if (req.url !== '/v1/agent' || req.headers.authorization !== `Bearer ${GOOD_KEY}`) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (options.duplicate) ws.close(CloseCode.duplicateIdentity, 'another connection uses this identity');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

let configCount = 0;
function writeConfig(collectorUrl: string, extra: { nodeKey?: string; caFile?: boolean; stateMode?: number; doc?: Record<string, unknown> } = {}): string {
  const dir = path.join(tmp, `agent-${++configCount}`);
  const stateDir = path.join(dir, 'state');
  mkdirSync(stateDir, { recursive: true });
  chmodSync(stateDir, extra.stateMode ?? 0o700);
  if (extra.nodeKey) writeFileSync(path.join(stateDir, 'state.json'), JSON.stringify({ agentId: '3b241101-e2bb-4255-8caf-4136c566a962', nodeKey: extra.nodeKey, seq: 3 }));
  const doc = {
    collector: { url: collectorUrl, enrollSecret: SECRET, ...(extra.caFile ? { caFile: path.join(tmp, 'ca.pem') } : {}) },
    stateDir,
    ...extra.doc,
  };
  const file = path.join(dir, 'agent.yaml');
  writeFileSync(file, YAML.stringify(doc));
  return file;
}

const statuses = (lines: CheckLine[]) => lines.map((l) => `${l.status} ${l.text}`);
const find = (lines: CheckLine[], re: RegExp) => lines.find((l) => re.test(l.text));

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'siaga-doctor-'));
  makeCertificates();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  rmSync(tmp, { recursive: true, force: true });
});

describe('doctor', () => {
  it('passes every check against a trusted collector that accepts the node key', async () => {
    const port = await collector({ tls: 'local' });
    const lines = await runDoctor({ configFile: writeConfig(`https://localhost:${port}`, { nodeKey: GOOD_KEY, caFile: true }), probes: false });
    const failed = lines.filter((l) => l.status === 'fail' || l.status === 'warn');
    expect(failed, statuses(lines).join('\n')).toEqual([]);
    expect(find(lines, /^localhost resolves to /)?.status).toBe('pass');
    expect(find(lines, new RegExp(`^TCP connection to .*:${port}`))?.status).toBe('pass');
    expect(find(lines, /^TLS certificate of localhost is trusted and valid until \d{4}-\d\d-\d\d$/)?.status).toBe('pass');
    expect(find(lines, /accepts this computer's node key/)?.status).toBe('pass');
  });

  it('says in plain words that the collector refused the node key (401)', async () => {
    const port = await collector({ tls: 'local' });
    const lines = await runDoctor({ configFile: writeConfig(`https://localhost:${port}`, { nodeKey: 'revoked-node-key-0123456789', caFile: true }), probes: false });
    const refused = find(lines, /node key/);
    expect(refused?.status).toBe('fail');
    expect(refused?.text).toBe("The collector refused this computer's node key (HTTP 401): it was revoked, or the collector's data was reset");
    expect(refused?.fix).toMatch(/enrolls again by itself with the enroll secret/);
  });

  it('recognises the running agent holding the connection (4409) as an accepted key', async () => {
    const port = await collector({ tls: 'local', duplicate: true });
    const lines = await runDoctor({ configFile: writeConfig(`https://localhost:${port}`, { nodeKey: GOOD_KEY, caFile: true }), probes: false });
    expect(find(lines, /node key/)).toEqual({ status: 'pass', text: "The collector accepts this computer's node key (the running agent is connected)" });
  });

  it('explains an untrusted certificate and skips the node key', async () => {
    const port = await collector({ tls: 'local' });
    const lines = await runDoctor({ configFile: writeConfig(`https://localhost:${port}`, { nodeKey: GOOD_KEY }), probes: false });
    const tls = find(lines, /certificate/);
    expect(tls?.status).toBe('fail');
    expect(tls?.text).toMatch(/issued by siaga doctor test CA\) is not signed by a CA this agent trusts \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/);
    expect(tls?.fix).toMatch(/--ca-file/);
    expect(find(lines, /Node key not checked/)?.status).toBe('skip');
  });

  it('explains a certificate issued for another name', async () => {
    const port = await collector({ tls: 'other' });
    const lines = await runDoctor({ configFile: writeConfig(`https://localhost:${port}`, { nodeKey: GOOD_KEY, caFile: true }), probes: false });
    expect(find(lines, /certificate is for/)).toMatchObject({ status: 'fail', text: "The collector's certificate is for DNS:collector.test, not localhost" });
  });

  it('tells expired, not yet valid and soon expiring certificates apart by the clock', async () => {
    const port = await collector({ tls: 'local' });
    const ca = readFileSync(path.join(tmp, 'ca.pem'));
    const day = 86_400_000;
    const later = await checkTls('127.0.0.1', port, 'localhost', ca, new Date(Date.now() + 60 * day));
    expect(later[0]).toMatchObject({ status: 'fail', text: expect.stringMatching(/^The collector's certificate expired on \d{4}-\d\d-\d\d$/) });
    const earlier = await checkTls('127.0.0.1', port, 'localhost', ca, new Date(Date.now() - 2 * day));
    expect(earlier[0]).toMatchObject({ status: 'fail', text: expect.stringMatching(/is valid only from .* and this computer's clock says/) });
    const soon = await checkTls('127.0.0.1', port, 'localhost', ca, new Date(Date.now() + 25 * day));
    expect(soon.map((l) => l.status)).toEqual(['pass', 'warn']);
  });

  it('says nothing listens when the port is closed, and does not go further', async () => {
    const port = await collector();
    await new Promise((r) => servers.pop()?.close(r));
    const lines = await runDoctor({ configFile: writeConfig(`http://127.0.0.1:${port}`, { nodeKey: GOOD_KEY }), probes: false });
    expect(find(lines, /TCP connection/)).toMatchObject({ status: 'fail', fix: `Nothing listens on port ${port}: is the collector running, and is the port in collector.url right?` });
    expect(find(lines, /not checked \(no connection\)/)?.status).toBe('skip');
  });

  it('warns about plain http and still checks the node key over ws://', async () => {
    const port = await collector();
    const lines = await runDoctor({ configFile: writeConfig(`http://127.0.0.1:${port}`, { nodeKey: GOOD_KEY }), probes: false });
    expect(find(lines, /without encryption/)?.status).toBe('warn');
    expect(find(lines, /127\.0\.0\.1 needs no name lookup/)?.status).toBe('pass');
    expect(find(lines, /node key/)?.status).toBe('pass');
  });

  it('finds config errors by field, a missing config, a state folder others can read, and no way to enroll', async () => {
    const invalid = writeConfig('https://localhost:1', { doc: { intervalSec: 'often' } });
    expect((await runDoctor({ configFile: invalid, probes: false }))[0]).toMatchObject({ status: 'fail', text: expect.stringMatching(/is invalid: .*intervalSec/) });
    expect((await runDoctor({ configFile: path.join(tmp, 'nope.yaml'), probes: false }))[0]).toMatchObject({ status: 'fail', text: expect.stringMatching(/does not exist$/) });

    const port = await collector();
    const open = writeConfig(`http://127.0.0.1:${port}`, { stateMode: 0o755 });
    const lines = await runDoctor({ configFile: open, probes: false });
    expect(find(lines, /State folder/)).toMatchObject({ status: 'fail', text: expect.stringMatching(/readable by other users \(mode 0755\)/) });
    expect(find(lines, /Not enrolled yet/)?.status).toBe('warn');

    const doc = YAML.parse(readFileSync(open, 'utf8')) as { collector: Record<string, unknown> };
    delete doc.collector.enrollSecret;
    writeFileSync(open, YAML.stringify(doc));
    expect(find(await runDoctor({ configFile: open, probes: false }), /cannot enroll/)?.status).toBe('fail');
  });

  it('runs each enabled probe once and reports it', async () => {
    const port = await collector();
    const probes = { ping: { enabled: false }, dns: { enabled: false }, http: { enabled: false }, tcp: { enabled: false } };
    const lines = await runDoctor({ configFile: writeConfig(`http://127.0.0.1:${port}`, { nodeKey: GOOD_KEY, doc: { probes } }), probes: true });
    expect(find(lines, /^Probe cpu: \d+ measurements? in \d+ ms$/)?.status).toBe('pass');
    expect(find(lines, /^Probe mem:/)?.status).toBe('pass');
    expect(find(lines, /^Probe ping/)).toBeUndefined();

    const unknown = await runDoctor({ configFile: writeConfig(`http://127.0.0.1:${port}`, { nodeKey: GOOD_KEY, doc: { probes: { teleport: {} } } }), probes: true });
    expect(find(unknown, /probes\.teleport: unknown probe/)?.status).toBe('fail');
  });

  it('prints a checklist with marks and what to do, and counts the problems', () => {
    const text = renderChecklist([
      { status: 'pass', text: 'Config is valid' },
      { status: 'fail', text: 'No TCP connection', fix: 'Start the collector.' },
      { status: 'skip', text: 'TLS not checked' },
    ]);
    expect(text).toBe('✓ Config is valid\n✗ No TCP connection\n    → Start the collector.\n– TLS not checked\n\n1 problem found.\n');
  });
});
