import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertService } from '../alerts/index.js';
import { Harness, log, sampleOf, testConfig } from '../alerts/engine.testutil.js';
import type { PolicyProvider } from '../policy/provider.js';
import { HostStore } from '../store/hosts.js';
import { alertsRouter } from './alerts.js';
import { errorHandler } from './errors.js';

describe('alerts API', () => {
  const h = new Harness();
  let base = '';
  let server: http.Server;
  let service: AlertService;
  let hostId = '';
  const sent: string[] = [];

  beforeAll(async () => {
    const hosts = new HostStore(h.db);
    hostId = hosts.enroll({ nonce: 'n1', nodeKeyHash: 'k1', host: { id: 'a1', hostname: 'WS-001' }, os: { platform: 'linux', distro: 'Debian', release: '12', arch: 'x64' }, labels: { site: 'hq', tags: [] }, agentVersion: '1', now: h.clock }).id;
    service = new AlertService({
      db: h.db,
      dataDir: h.dir,
      config: testConfig(),
      notifier: { enqueue: (n, r) => (sent.push(n.receiver), r.map((x) => `msg_${x}`)) },
      hosts,
      policies: {} as PolicyProvider,
      readiness: { get: () => undefined, all: () => [] },
      publicUrl: () => base,
      log,
      now: () => h.clock,
    });
    const app = express();
    app.use(alertsRouter({ alerts: service, hosts, deliveries: () => [], now: () => h.clock }));
    app.use(errorHandler);
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    service.engine.sample([{ ...sampleOf(1, true), hostId, key: `${hostId}/host_not_ready//`, labels: { ...sampleOf(1, true).labels, host: hostId } }]);
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    h.close();
  });

  const json = (method: string, path: string, body?: unknown) =>
    fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

  it('lists alerts with filters and shows one with its events', async () => {
    const all = (await (await fetch(`${base}/v1/alerts?state=firing&site=hq`)).json()) as { alerts: Array<{ id: string; state: string }> };
    expect(all.alerts).toHaveLength(1);
    expect((await (await fetch(`${base}/v1/alerts?site=branch`)).json()) as unknown).toMatchObject({ alerts: [] });
    const one = (await (await fetch(`${base}/v1/alerts/${all.alerts[0]!.id}`)).json()) as { events: Array<{ type: string }> };
    expect(one.events.map((e) => e.type)).toEqual(['pending', 'fired']);
    const bad = await fetch(`${base}/v1/alerts?state=burning`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { path: string } }).error.path).toBe('state');
    expect((await fetch(`${base}/v1/alerts/alr_nope`)).status).toBe(404);
  });

  it('acknowledges an alert, naming who; refuses a body without `by`', async () => {
    const [alert] = service.engine.openAlerts();
    const missing = await json('POST', `/v1/alerts/${alert!.id}/ack`, {});
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { path: string; code: string } }).error).toMatchObject({ path: 'by', code: 'SIAGA_ERR_INVALID_REQUEST' });
    const ok = await json('POST', `/v1/alerts/${alert!.id}/ack`, { by: 'Ana' });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { acknowledgedBy: string }).acknowledgedBy).toBe('Ana');
    expect((await json('POST', '/v1/alerts/alr_nope/ack', { by: 'Ana' })).status).toBe(404);
    const events = (await (await fetch(`${base}/v1/hosts/${hostId}/alert-events`)).json()) as { events: Array<{ type: string; detail: unknown }> };
    expect(events.events[0]).toMatchObject({ type: 'acknowledged', detail: { by: 'Ana', via: 'api' } });
  });

  it('creates, lists and expires silences', async () => {
    const created = await json('POST', '/v1/silences', { matchers: [{ name: 'site', value: 'hq' }], durationSec: 3600, createdBy: 'Ana', comment: 'office move' });
    expect(created.status).toBe(201);
    const silence = (await created.json()) as { id: string; status: string; endsAt: number };
    expect(silence).toMatchObject({ status: 'active', endsAt: h.clock + 3_600_000 });
    const bad = await json('POST', '/v1/silences', { matchers: [{ name: 'site', op: '=~', value: '(' }], durationSec: 60, createdBy: 'Ana', comment: 'x' });
    expect(((await bad.json()) as { error: { path: string } }).error.path).toBe('matchers[0].value');
    const list = (await (await fetch(`${base}/v1/silences`)).json()) as { silences: Array<{ id: string }> };
    expect(list.silences.map((s) => s.id)).toEqual([silence.id]);
    const expired = await json('DELETE', `/v1/silences/${silence.id}`);
    expect(((await expired.json()) as { status: string }).status).toBe('expired');
    expect((await json('DELETE', '/v1/silences/sil_nope')).status).toBe(404);
  });

  it('puts a host into maintenance and takes it out again', async () => {
    const put = await json('PUT', `/v1/hosts/${hostId}/maintenance`, { durationSec: 600, by: 'Budi', comment: 'new disk' });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ hostId, until: h.clock + 600_000, by: 'Budi' });
    expect(service.maintenance.active(hostId, h.clock)).toBeDefined();
    const bad = await json('PUT', `/v1/hosts/${hostId}/maintenance`, { by: 'Budi' });
    expect(((await bad.json()) as { error: { path: string } }).error.path).toBe('until');
    expect((await json('PUT', '/v1/hosts/nope/maintenance', { durationSec: 60, by: 'x' })).status).toBe(404);
    expect((await json('DELETE', `/v1/hosts/${hostId}/maintenance`)).status).toBe(204);
    expect((await json('DELETE', `/v1/hosts/${hostId}/maintenance`)).status).toBe(404);
  });
});
