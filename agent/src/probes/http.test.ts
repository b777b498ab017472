import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPki, HAVE_OPENSSL, type TestPki } from '../testing/tls.testutil.js';
import { httpProbe } from './http.js';
import type { ProbeContext } from './types.js';

const ctx = (): ProbeContext => ({ platform: process.platform, signal: new AbortController().signal, run: async () => ({ stdout: Buffer.alloc(0), stderr: '', code: 127 }), memo: new Map(), now: Date.now });
const collect = (apps: unknown[], extra: Record<string, unknown> = {}) => httpProbe.collect(ctx(), httpProbe.configSchema.parse({ apps, ...extra }));

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

const routes: http.RequestListener = (req, res) => {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  if (path === '/health') return void res.end('status: OK\n');
  if (path === '/down') return void res.writeHead(503).end('maintenance');
  if (path === '/slow') return void setTimeout(() => res.end('late'), 2_000);
  if (path === '/big') return void res.end('x'.repeat(200_000) + 'NEEDLE');
  res.writeHead(404).end();
};

describe('http probe over loopback', () => {
  const server = http.createServer(routes);
  let base = '';
  let closedPort = 0;

  beforeAll(async () => {
    base = `http://127.0.0.1:${await listen(server)}`;
    const probe = http.createServer();
    closedPort = await listen(probe);
    await new Promise((r) => probe.close(r));
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it('ok with status, time and a body match; never tags the URL', async () => {
    const [m] = await collect([{ name: 'erp', url: `${base}/health?token=secret`, bodyMatch: 'OK' }]);
    expect(m?.tags).toEqual({ app: 'erp', method: 'GET' });
    expect(m?.fields).toMatchObject({ http_response_code: 200, result_code: 0, ok: 1, response_string_match: 1 });
    expect(m?.fields.response_time_ms).toBeGreaterThan(0);
    expect(m?.fields.error).toBeUndefined();
  });

  it('bad status, body mismatch (substring and regex), HEAD', async () => {
    const metrics = await collect([
      { name: 'down', url: `${base}/down` },
      { name: 'wrong', url: `${base}/health`, bodyMatch: 'READY' },
      { name: 'regex', url: `${base}/health`, bodyMatch: { regex: '^status: (ok|ready)$', ignoreCase: true } },
      { name: 'head', url: `${base}/health`, method: 'HEAD', expectStatus: [200] },
      { name: 'notfound-ok', url: `${base}/nope`, expectStatus: ['200-299', 404] },
    ]);
    expect(metrics.map((m) => [m.tags?.app, m.fields.result_code, m.fields.error])).toEqual([
      ['down', 3, 'status 503 (expected 200-399)'],
      ['wrong', 4, 'body does not contain "READY"'],
      ['regex', 2 - 2, undefined],
      ['head', 0, undefined],
      ['notfound-ok', 0, undefined],
    ]);
  });

  it('reads at most maxBodyBytes of the body', async () => {
    const [m] = await collect([{ name: 'big', url: `${base}/big`, bodyMatch: 'NEEDLE' }], { maxBodyBytes: 64 * 1024 });
    expect(m?.fields).toMatchObject({ result_code: 4, response_string_match: 0 });
  });

  it('timeout and connection refused, in words', async () => {
    const metrics = await collect([
      { name: 'slow', url: `${base}/slow`, timeoutMs: 300 },
      { name: 'closed', url: `http://127.0.0.1:${closedPort}/` },
    ]);
    expect(metrics.map((m) => [m.fields.result_code, m.fields.ok, m.fields.error])).toEqual([
      [1, 0, 'timeout after 0.3 s (waiting for the response)'],
      [2, 0, 'connection refused'],
    ]);
  });

  it('says where a timeout struck: a server that accepts TCP but never starts TLS', async () => {
    const mute = net.createServer(() => undefined);
    const port = await new Promise<number>((resolve) => mute.listen(0, '127.0.0.1', () => resolve((mute.address() as AddressInfo).port)));
    try {
      const [m] = await collect([{ name: 'mute', url: `https://127.0.0.1:${port}/`, timeoutMs: 300 }]);
      expect(m?.fields).toMatchObject({ result_code: 1, error: 'timeout after 0.3 s (TLS handshake)' });
    } finally {
      mute.close();
    }
  });

  it('refuses bad configuration with the field named', () => {
    for (const apps of [
      [{ name: 'x', url: 'ftp://127.0.0.1/' }],
      [{ name: 'x', url: 'http://-bad/' }],
      [{ name: 'x', url: 'http://127.0.0.1/', method: 'HEAD', bodyMatch: 'OK' }],
      [{ name: 'x', url: 'http://127.0.0.1/', bodyMatch: { regex: '(' } }],
      [{ name: 'x', url: 'http://127.0.0.1/', expectStatus: ['2xx'] }],
      [{ name: 'x', url: 'http://127.0.0.1/', timeoutMs: 20_000 }],
    ]) {
      expect(httpProbe.configSchema.safeParse({ apps }).success, JSON.stringify(apps)).toBe(false);
    }
    const r = httpProbe.configSchema.safeParse({ apps: [{ name: 'x', url: 'http://127.0.0.1/', timeoutMs: 20_000 }] });
    expect(r.error?.issues[0]?.path).toEqual(['apps', 0, 'timeoutMs']);
  });
});

describe.skipIf(!HAVE_OPENSSL)('http probe, TLS over loopback', () => {
  let pki: TestPki;
  const servers: https.Server[] = [];
  const urls: Record<string, string> = {};
  const hits: Record<string, number> = {};

  beforeAll(async () => {
    pki = createTestPki();
    const kinds = { good: { san: 'IP:127.0.0.1' }, expired: { san: 'IP:127.0.0.1', expired: true }, othername: { san: 'DNS:erp.example.test' } };
    for (const [name, options] of Object.entries(kinds)) {
      hits[name] = 0;
      const server = https.createServer(pki.issue(name, options), (_req, res) => {
        hits[name]!++;
        res.end('OK');
      });
      servers.push(server);
      urls[name] = `https://127.0.0.1:${await listen(server)}/`;
    }
  });
  afterAll(() => {
    for (const s of servers) {
      s.closeAllConnections();
      s.close();
    }
    pki?.remove();
  });

  it('trusted through caFile: ok, with the certificate days left', async () => {
    const [m] = await collect([{ name: 'erp', url: urls.good, caFile: pki.caFile }]);
    expect(m?.fields).toMatchObject({ result_code: 0, ok: 1, http_response_code: 200 });
    expect(m?.fields.cert_days_left).toBeGreaterThan(19);
    expect(m?.fields.cert_days_left).toBeLessThanOrEqual(20);
  });

  it('unknown issuer, expired, wrong name: TLS errors (result_code 5); no request reaches the server', async () => {
    const before = { ...hits };
    const metrics = await collect([
      { name: 'untrusted', url: urls.good },
      { name: 'expired', url: urls.expired, caFile: pki.caFile },
      { name: 'othername', url: urls.othername, caFile: pki.caFile },
      { name: 'missing-ca', url: urls.good, caFile: `${pki.dir}/nope.pem` },
    ]);
    expect(metrics.map((m) => [m.tags?.app, m.fields.result_code, m.fields.error])).toEqual([
      ['untrusted', 5, 'TLS: certificate issuer unknown'],
      ['expired', 5, 'TLS: certificate expired'],
      ['othername', 5, 'TLS: certificate name mismatch'],
      ['missing-ca', 5, `TLS: CA file ${pki.dir}/nope.pem unreadable (ENOENT)`],
    ]);
    expect(metrics.every((m) => m.fields.http_response_code === undefined)).toBe(true);
    expect(hits).toEqual(before);
    expect(metrics[1]?.fields.cert_days_left).toBeLessThan(-365);
  });

  it('insecureSkipVerify accepts the certificate and still reports its days left', async () => {
    const [m] = await collect([{ name: 'lab', url: urls.expired, insecureSkipVerify: true }]);
    expect(m?.fields).toMatchObject({ result_code: 0, ok: 1, http_response_code: 200 });
    expect(m?.fields.cert_days_left).toBeLessThan(-365);
  });
});
