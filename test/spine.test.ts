import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InfluxServer, startInfluxd } from './harness/influxd.js';
import { waitFor } from './harness/ports.js';
import { type LoggedProcess, type RunningCollector, startAgent, startCollector } from './harness/processes.js';
import { tempDir } from './harness/tmp.js';

const SECRET = 'spine-test-enroll-secret-0001';

interface HostView {
  id: string;
  hostname: string;
  connected: boolean;
  latestReport: { seq: number; collectedAt: number } | null;
}

describe('agent → collector → InfluxDB', () => {
  const tmp = tempDir('spine');
  let influx: InfluxServer;
  let collector: RunningCollector;
  const agents: LoggedProcess[] = [];

  beforeAll(async () => {
    influx = await startInfluxd();
    collector = await startCollector(tmp.dir, {
      enroll: { secrets: [SECRET] },
      influx: { url: influx.url, database: 'spine', flushIntervalMs: 100 },
    });
    for (const name of ['ws-alpha', 'ws-bravo']) {
      agents.push(startAgent(tmp.dir, name, { collector: { url: collector.url, enrollSecret: SECRET }, labels: { site: 'hq', group: 'finance', tags: [] } }));
    }
  });

  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await collector?.stop();
    await influx?.stop();
    tmp.remove();
  });

  it('lists both agents as hosts with a report, then finds their cpu, mem and disk points at collectedAt', async () => {
    const hosts = await waitFor(async () => {
      const body = (await (await collector.api('/v1/hosts')).json()) as { hosts: Array<{ id: string; hostname: string; lastSeq: number }> };
      const reported = body.hosts.filter((h) => h.lastSeq >= 1);
      return reported.length === 2 ? reported : undefined;
    }, 'two hosts with a stored report');
    expect(hosts.map((h) => h.hostname).sort()).toEqual(['ws-alpha', 'ws-bravo']);
    expect(new Set(hosts.map((h) => h.id)).size).toBe(2);

    for (const h of hosts) {
      const detail = (await (await collector.api(`/v1/hosts/${h.id}`)).json()) as HostView;
      expect(detail.connected).toBe(true);
      const collectedAt = detail.latestReport?.collectedAt as number;
      expect(collectedAt).toBeGreaterThan(0);
      for (const measurement of ['cpu', 'mem', 'disk']) {
        // Stored means durable: InfluxDB or the collector's spill, so InfluxDB may have it a moment later.
        const series = await waitFor(async () => {
          const [result] = await influx.query(`SELECT * FROM "${measurement}" WHERE host_id = '${h.id}' AND time = ${collectedAt}ms`, 'spine');
          return result?.series?.[0];
        }, `${measurement} for ${h.hostname} at ${collectedAt}`, 10_000).catch(() => undefined);
        expect(series, `${measurement} for ${h.hostname} at ${collectedAt}`).toBeDefined();
        const timeIndex = series!.columns.indexOf('time');
        expect(series!.values[0]![timeIndex]).toBe(collectedAt);
        const hostIndex = series!.columns.indexOf('host');
        expect(series!.values[0]![hostIndex]).toBe(h.hostname);
        expect(series!.columns).toContain('site');
      }
    }
    // Two agents, two identities: every point is tagged with exactly one of the two host ids.
    const [tags] = await influx.query('SHOW TAG VALUES FROM "mem" WITH KEY = "host_id"', 'spine');
    expect(tags?.series?.[0]?.values.map((v) => v[1]).sort()).toEqual(hosts.map((h) => h.id).sort());
  });

  it('writes each host\'s verdict to siaga_readiness', async () => {
    const [result] = await influx.query('SELECT last("verdict") FROM "siaga_readiness" GROUP BY "host"', 'spine');
    const verdicts = Object.fromEntries((result?.series ?? []).map((s) => [s.tags?.host, s.values[0]?.[1]]));
    expect(verdicts).toEqual({ 'ws-alpha': 'ready', 'ws-bravo': 'ready' });
  });

  it('stores numbers as floats', async () => {
    const [result] = await influx.query('SHOW FIELD KEYS FROM "mem"', 'spine');
    const types = new Set(result?.series?.[0]?.values.map((v) => v[1]));
    expect([...types]).toEqual(['float']);
  });
});
