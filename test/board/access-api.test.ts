import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login } from '../harness/auth.js';
import { waitFor } from '../harness/ports.js';
import { COLLECTOR_CLI, REPO_ROOT, type RunningCollector, startCollector } from '../harness/processes.js';
import { RawAgent } from '../harness/raw-agent.js';
import { tempDir } from '../harness/tmp.js';

const SECRET = 'access-api-enroll-secret-01';
type Needs = 'public' | 'viewer' | 'operator' | 'admin';

/**
 * Every /v1 route and who may call it. Routes are also read from the collector's sources: one
 * missing here fails the test, so a new route is never left unclassified.
 */
const ROUTES: Record<string, Needs> = {
  'POST /v1/enroll': 'public',
  'GET /v1/ack/:token': 'public',
  'POST /v1/ack/:token': 'public',
  'POST /v1/auth/login': 'public',
  'GET /v1/install': 'public',
  'GET /v1/auth/me': 'viewer',
  'POST /v1/auth/logout': 'viewer',
  'GET /v1/auth/tokens': 'viewer',
  'POST /v1/auth/tokens': 'viewer',
  'DELETE /v1/auth/tokens/:id': 'viewer',
  'GET /v1/hosts': 'viewer',
  'GET /v1/hosts/:id': 'viewer',
  'GET /v1/fleet/summary': 'viewer',
  'GET /v1/hosts/:id/history': 'viewer',
  'GET /v1/hosts/:id/inventory': 'viewer',
  'GET /v1/inventory/changes': 'viewer',
  'GET /v1/hosts/:id/events': 'viewer',
  'GET /v1/hosts/:id/alert-events': 'viewer',
  'GET /v1/hosts/:id/log': 'viewer',
  'GET /v1/alerts': 'viewer',
  'GET /v1/alerts/:id': 'viewer',
  'GET /v1/silences': 'viewer',
  'GET /v1/policy': 'viewer',
  'GET /v1/events/stream': 'viewer',
  'GET /v1/reports/readiness': 'viewer',
  'POST /v1/hosts/:id/recheck': 'operator',
  'POST /v1/alerts/:id/ack': 'operator',
  'POST /v1/silences': 'operator',
  'DELETE /v1/silences/:id': 'operator',
  'PUT /v1/hosts/:id/maintenance': 'operator',
  'DELETE /v1/hosts/:id/maintenance': 'operator',
  'POST /v1/hosts/:id/log': 'operator',
  'POST /v1/hosts/:id/revoke': 'admin',
  'GET /v1/secrets': 'admin',
  'POST /v1/secrets': 'admin',
  'POST /v1/secrets/:id/revoke': 'admin',
  'POST /v1/policy/reload': 'admin',
  'GET /v1/users': 'admin',
  'POST /v1/users': 'admin',
  'PATCH /v1/users/:name': 'admin',
  'GET /v1/tokens': 'admin',
  'POST /v1/tokens': 'admin',
  'DELETE /v1/tokens/:id': 'admin',
  'GET /v1/audit': 'admin',
};

/** `router.get('/v1/...'` and the like in collector/src. */
function routesInSources(): string[] {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) {
        for (const m of readFileSync(file, 'utf8').matchAll(/\.(get|post|put|patch|delete)\(\s*'(\/v1\/[^']*)'/g)) found.add(`${(m[1] as string).toUpperCase()} ${m[2]}`);
      }
    }
  };
  walk(path.join(REPO_ROOT, 'collector/src'));
  return [...found].sort();
}

const RANK: Record<Needs, number> = { public: -1, viewer: 0, operator: 1, admin: 2 };

describe('access control over the API (real collector)', () => {
  const tmp = tempDir('access-api');
  let collector: RunningCollector;
  const tokens: Record<'viewer' | 'operator' | 'admin', string> = { viewer: '', operator: '', admin: '' };
  let hostId = '';
  let alertId = '';
  let agent: RawAgent;

  // Asynchronous on purpose: a blocked event loop misses the collector closing idle keep-alive sockets.
  const cli = async (...args: string[]) => (await promisify(execFile)(process.execPath, [COLLECTOR_CLI, 'users', ...args, '--config', collector.configFile])).stdout;
  const as = (token: string, route: string, init: RequestInit = {}) => fetch(`${collector.url}${route}`, { ...init, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json', ...(init.headers as Record<string, string>) } });

  beforeAll(async () => {
    collector = await startCollector(tmp.dir, { enroll: { secrets: [SECRET] }, auth: { sessionIdle: '2s' }, alerts: { rules: { host_not_ready: { for: 0 } } } });
    tokens.admin = collector.token;
    const pw = path.join(tmp.dir, 'pw');
    writeFileSync(pw, 'long-enough-password-1\n');
    for (const role of ['viewer', 'operator'] as const) {
      expect(await cli('add', `${role}-1`, '--role', role, '--password-file', pw)).toContain(`user ${role}-1 (${role}) created`);
      tokens[role] = (JSON.parse(await cli('token', 'create', `${role}-1`, '--expires', '1d', '--json')) as { token: string }).token;
    }
    // A host with a failing check, so there is a real alert to acknowledge.
    agent = new RawAgent(collector.url, 'ws-access');
    await agent.enroll(SECRET);
    hostId = agent.hostId;
    await agent.connect();
    agent.hello();
    const welcome = (await agent.next((f) => f.type === 'welcome')) as { policy: { version: string } };
    agent.report(1, { policyVersion: welcome.policy.version, checks: [{ name: 'process', instance: 'erp-client', status: 'fail', reason: 'erp-client is not running' }] });
    alertId = await waitFor(async () => {
      const { alerts } = (await (await as(tokens.viewer, '/v1/alerts?state=firing')).json()) as { alerts: Array<{ id: string; hostId: string }> };
      return alerts.find((a) => a.hostId === hostId)?.id;
    }, 'a firing alert for ws-access');
  });

  afterAll(async () => {
    agent?.ws?.close();
    await collector?.stop();
    tmp.remove();
  });

  it('classifies every /v1 route of the collector', () => {
    expect(routesInSources().filter((r) => !(r in ROUTES))).toEqual([]);
  });

  it('refuses every protected route without credentials (401) and with a lower role (403)', async () => {
    const sample = (route: string) => route.replace(':id', route.includes('/hosts/') ? hostId : route.includes('/alerts/') ? alertId : 'none').replace(':name', 'viewer-1').replace(':token', 'x.y');
    const checked: string[] = [];
    for (const [route, needs] of Object.entries(ROUTES)) {
      const [method, pattern] = route.split(' ') as [string, string];
      const url = sample(pattern);
      const call = (token: string) => as(token, url, { method, ...(method === 'GET' || method === 'DELETE' ? {} : { body: '{}' }) }).then(async (r) => (await r.body?.cancel(), r.status));
      const anonymous = await call('');
      if (needs === 'public') {
        expect(anonymous, route).not.toBe(401);
        continue;
      }
      expect(anonymous, `${route} without credentials`).toBe(401);
      expect(await call('siaga_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'), `${route} with a made-up token`).toBe(401);
      for (const role of ['viewer', 'operator'] as const) {
        if (RANK[role] < RANK[needs]) expect(await call(tokens[role]), `${route} as ${role}`).toBe(403);
      }
      checked.push(route);
    }
    expect(checked.length).toBeGreaterThan(35);
    // Allowed calls get through (whatever the handler then says about the made-up ids).
    expect((await as(tokens.viewer, '/v1/hosts')).status).toBe(200);
    expect((await as(tokens.operator, `/v1/hosts/${hostId}/log`, { method: 'POST', body: JSON.stringify({ kind: 'inspection', text: 'checked the cabling' }) })).status).toBe(201);
    expect((await as(tokens.admin, '/v1/audit')).status).toBe(200);
  });

  it('cannot be walked around by spelling a path differently', async () => {
    for (const variant of ['/V1/AUDIT', '/v1/Audit/', '/v1/audit/', '/v1/%61udit', '/v1//audit', '/v1/ack/../audit', '/v1/auth/login/../../audit']) {
      const anonymous = await as('', variant);
      expect([401, 404], `${variant} without credentials`).toContain(anonymous.status);
      const viewer = await as(tokens.viewer, variant);
      expect([403, 404], `${variant} as viewer`).toContain(viewer.status);
    }
    expect((await as(tokens.admin, '/V1/AUDIT')).status).toBe(200);
  });

  it('lets an operator acknowledge an alert, but not a viewer', async () => {
    const denied = await as(tokens.viewer, `/v1/alerts/${alertId}/ack`, { method: 'POST', body: JSON.stringify({ by: 'viewer pretending' }) });
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { error: { code: string } }).error.code).toBe('SIAGA_ERR_FORBIDDEN');
    const before = (await (await as(tokens.viewer, `/v1/alerts/${alertId}`)).json()) as { acknowledgedBy: string | null };
    expect(before.acknowledgedBy).toBeNull();
    // The acknowledger is the signed-in user, whatever the body claims.
    const ok = await as(tokens.operator, `/v1/alerts/${alertId}/ack`, { method: 'POST', body: JSON.stringify({ by: 'someone else' }) });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { acknowledgedBy: string }).acknowledgedBy).toBe('operator-1');
  });

  it('stops accepting a token once it is revoked (command line and API)', async () => {
    const made = JSON.parse(await cli('token', 'create', 'viewer-1', '--json')) as { id: string; token: string };
    expect((await as(made.token, '/v1/hosts')).status).toBe(200);
    expect(await cli('token', 'revoke', made.id)).toContain('revoked');
    expect((await as(made.token, '/v1/hosts')).status).toBe(401);

    const created = (await (await as(tokens.operator, '/v1/auth/tokens', { method: 'POST', body: JSON.stringify({ name: 'script', expires: '1h' }) })).json()) as { id: string; token: string };
    expect((await as(created.token, '/v1/hosts')).status).toBe(200);
    expect((await as(tokens.admin, `/v1/tokens/${created.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await as(created.token, '/v1/hosts')).status).toBe(401);
    expect(await cli('token', 'list', 'operator-1')).toMatch(new RegExp(`${created.id}.*revoked`));
  });

  it('gives sessions an HttpOnly, SameSite=Strict cookie that stops working when idle too long', async () => {
    const res = await fetch(`${collector.url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'viewer-1', password: 'long-enough-password-1' }) });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^siaga_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Path=\//);
    const session = cookie.split(';')[0] as string;
    const me = await fetch(`${collector.url}/v1/auth/me`, { headers: { cookie: session } });
    expect(await me.json()).toEqual({ name: 'viewer-1', role: 'viewer', via: 'session' });
    await new Promise((r) => setTimeout(r, 2500));
    expect((await fetch(`${collector.url}/v1/auth/me`, { headers: { cookie: session } })).status).toBe(401);
  });

  it('refuses a change sent with the session cookie from another site', async () => {
    const session = await login(collector.url, 'operator-1', 'long-enough-password-1');
    const body = JSON.stringify({ kind: 'note', text: 'from elsewhere' });
    const evil = await fetch(`${collector.url}/v1/hosts/${hostId}/log`, { method: 'POST', headers: { cookie: session, 'content-type': 'application/json', origin: 'https://evil.example' }, body });
    expect(evil.status).toBe(403);
    const same = await fetch(`${collector.url}/v1/hosts/${hostId}/log`, { method: 'POST', headers: { cookie: session, 'content-type': 'application/json', origin: collector.url }, body });
    expect(same.status).toBe(201);
    const signIn = await fetch(`${collector.url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://evil.example' }, body: JSON.stringify({ name: 'operator-1', password: 'long-enough-password-1' }) });
    expect(signIn.status).toBe(403);
    expect(signIn.headers.get('set-cookie')).toBeNull();
  });

  it('locks an account after repeated wrong passwords, then answers 429 even to the right one', async () => {
    const attempt = (password: string) => fetch(`${collector.url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'viewer-1', password }) });
    for (let i = 0; i < 5; i++) expect((await attempt(`wrong-password-${i}`)).status).toBe(401);
    const locked = await attempt('long-enough-password-1');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('keeps the initial admin password in a file only the collector user can read', () => {
    expect(statSync(path.join(collector.dataDir, 'initial-admin-password')).mode & 0o777).toBe(0o600);
    expect(collector.lines.filter((l) => String(l.msg).startsWith('initial admin account created'))).toHaveLength(1);
  });

  it('records every change with who made it, for admins only', async () => {
    await as(tokens.operator, '/v1/silences', { method: 'POST', body: JSON.stringify({ matchers: [{ name: 'host', value: hostId }], durationSec: 600, comment: 'cabling' }) });
    await as(tokens.operator, `/v1/hosts/${hostId}/maintenance`, { method: 'PUT', body: JSON.stringify({ durationSec: 600 }) });
    await as(tokens.admin, '/v1/policy/reload', { method: 'POST' });
    expect((await as(tokens.operator, '/v1/audit')).status).toBe(403);
    const { entries } = (await (await as(tokens.admin, '/v1/audit?limit=500')).json()) as { entries: Array<{ actor: string; via: string; action: string; target: string | null }> };
    const seen = entries.map((e) => `${e.actor} ${e.action}`);
    for (const expected of [
      'operator-1 POST /v1/alerts/:id/ack',
      'operator-1 POST /v1/silences',
      `operator-1 PUT /v1/hosts/:id/maintenance`,
      'operator-1 POST /v1/hosts/:id/log',
      'admin policy.reload',
      'operator-1 token.create',
      'admin token.revoke',
      'viewer-1 auth.login',
      'viewer-1 auth.login_failed',
      'viewer-1 auth.locked_out',
    ]) {
      expect(seen, expected).toContain(expected);
    }
    expect(entries.some((e) => e.actor.startsWith('cli:') && e.action === 'user.create' && e.target === 'operator-1')).toBe(true);
    expect(entries.some((e) => e.actor.startsWith('cli:') && e.action === 'token.create')).toBe(true);
    expect(entries.some((e) => e.actor.startsWith('cli:') && e.action === 'token.revoke')).toBe(true);
  });

  it('streams live events only to signed-in users', async () => {
    expect((await fetch(`${collector.url}/v1/events/stream`)).status).toBe(401);
    const controller = new AbortController();
    const res = await fetch(`${collector.url}/v1/events/stream`, { headers: { authorization: `Bearer ${tokens.viewer}` }, signal: controller.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('event: hello')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toContain('"user":"viewer-1"');
    controller.abort();
  });
});
