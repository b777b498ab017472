import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allDashboards, panelQueries, type PanelQuery, REAL_HOST_MEASUREMENTS, type SubstituteOptions, variableQueries } from '../dashboards/src/index.js';
import { loadMetricsCatalog } from '../dashboards/src/metrics-doc.testutil.js';
import { waitForVerdict } from './harness/api.js';
import { type DnsResponder, startDnsResponder } from './harness/dns-responder.js';
import { type InfluxServer, startInfluxd } from './harness/influxd.js';
import { waitFor } from './harness/ports.js';
import { type LoggedProcess, type RunningCollector, startAgent, startCollector } from './harness/processes.js';
import { tempDir } from './harness/tmp.js';

const dashboards = allDashboards();
const isRoot = process.getuid?.() === 0;

interface Outcome {
  q: PanelQuery;
  series: number;
  error?: string;
}

async function runAll(influx: InfluxServer, db: string, queries: PanelQuery[]): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for (const q of queries) {
    try {
      const [result] = await influx.query(q.query, db);
      out.push({ q, series: result?.series?.length ?? 0, ...(result?.error ? { error: result.error } : {}) });
    } catch (err) {
      out.push({ q, series: 0, error: (err as Error).message });
    }
  }
  return out;
}

const label = (o: Outcome) => `${o.q.dashboard} · ${o.q.panel} · ${o.q.refId}: ${o.error ?? `${o.series} series`}\n    ${o.q.query}`;

/**
 * One point per documented measurement, tag and field, for five hosts: host k writes k into every
 * numeric field, so each verdict code, status code and 1/0 value the panels filter on exists.
 */
function catalogPoints(now: number): string {
  const catalog = loadMetricsCatalog();
  const esc = (v: string) => v.replace(/[ ,=]/g, '\\$&');
  const lines: string[] = [];
  for (let k = 0; k < 5; k++) {
    const hostTags = { host: `ws-${k}`, host_id: `id-${k}`, os: 'linux', site: k % 2 === 0 ? 'hq' : 'branch', group: 'office' };
    for (const [m, doc] of catalog.measurements) {
      const tags = { ...Object.fromEntries([...doc.tags].map((t) => [t, doc.tagExamples.get(t) ?? `${t}-a`])), ...hostTags };
      const tagText = Object.entries(tags).map(([t, v]) => `${t}=${esc(v)}`).join(',');
      const fields = [...doc.fields].map((f) => (doc.stringFields.has(f) ? `${f}="text ${k}"` : `${f}=${k}`)).join(',');
      for (let i = 0; i < 12; i++) lines.push(`${m},${tagText} ${fields} ${now - (55 - i * 5) * 60_000}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

describe('dashboard queries on InfluxDB with every documented measurement present', () => {
  let influx: InfluxServer;
  const db = 'catalog';

  beforeAll(async () => {
    influx = await startInfluxd();
    await influx.query(`CREATE DATABASE ${db}`);
    const res = await fetch(`${influx.url}/write?db=${db}&precision=ms`, { method: 'POST', body: catalogPoints(Date.now()) });
    expect(res.status).toBe(204);
  });

  afterAll(async () => {
    await influx?.stop();
  });

  it('every panel query runs without error and returns series, hardware panels included', async () => {
    // Fleet-wide dashboards with "All" (each host holds other values); the host detail for one host.
    const fleet = dashboards.filter((d) => d.uid !== 'siaga-host');
    const host = dashboards.filter((d) => d.uid === 'siaga-host');
    const queries = [...panelQueries(fleet, { range: '1h', interval: '1m' }), ...panelQueries(host, { values: { host: 'ws-2' }, range: '1h', interval: '1m' })];
    const outcomes = await runAll(influx, db, queries);
    expect(outcomes.length).toBeGreaterThan(80);
    expect(outcomes.filter((o) => o.error || o.series === 0).map(label)).toEqual([]);
  });

  it('every template variable lists values', async () => {
    for (const v of variableQueries(dashboards, { values: { host: 'ws-2' } })) {
      const [result] = await influx.query(v.query, db);
      expect(result?.series?.[0]?.values.length, `${v.dashboard} $${v.variable}: ${v.query}`).toBeGreaterThan(0);
    }
  });
});

const SECRET = 'dashboards-test-secret-0001';
const PROGRAM = 'siaga-dash-dummy';

describe.skipIf(!isRoot)('dashboards against a real collector, agents and InfluxDB', () => {
  const tmp = tempDir('dashboards');
  const volume = path.join(tmp.dir, 'volume');
  const backups = path.join(tmp.dir, 'backups');
  const db = 'siaga';
  let influx: InfluxServer;
  let collector: RunningCollector;
  const agents = new Map<string, LoggedProcess>();
  let app: http.Server;
  let tcp: net.Server;
  let dns: DnsResponder;
  let deadDns: DnsResponder;
  let program: ChildProcess | undefined;
  let mounted = false;

  const listen = (server: net.Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));

  beforeAll(async () => {
    // A 4 MiB volume three quarters full: "full" hosts fail below 50% free, "slow" ones warn.
    mkdirSync(volume, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'siaga-dash', volume]);
    mounted = true;
    writeFileSync(path.join(volume, 'filler'), Buffer.alloc(3 * 1024 * 1024));
    mkdirSync(backups);
    writeFileSync(path.join(backups, 'documents.zip'), 'backup');
    symlinkSync('/bin/sleep', path.join(tmp.dir, PROGRAM));
    program = spawn(path.join(tmp.dir, PROGRAM), ['3600'], { stdio: 'ignore' });

    app = http.createServer((_, res) => res.end('ok'));
    const appPort = await listen(app);
    tcp = net.createServer((s) => s.end());
    const tcpPort = await listen(tcp);
    dns = await startDnsResponder();
    deadDns = await startDnsResponder({ silent: true });

    const policyFile = path.join(tmp.dir, 'policy.yaml');
    writeFileSync(
      policyFile,
      YAML.stringify({
        defaults: { interval: '5s', watchInterval: '1s', freshness: '15s' },
        sites: { hq: {}, branch: {} },
        policies: [
          {
            name: 'office',
            checks: {
              // The first hop pinned to loopback: the machine's real gateway is never pinged.
              gateway: { address: '127.0.0.1' },
              apps: { items: [{ name: 'intranet', url: `http://127.0.0.1:${appPort}/health` }, { name: 'erp-db', host: '127.0.0.1', port: tcpPort }] },
              processes: { items: [{ name: PROGRAM }] },
            },
          },
          { name: 'full', select: { groups: ['full'] }, checks: { disk: { mounts: [volume], minFreePercent: { fail: 50 } } } },
          { name: 'slow', select: { groups: ['slow'] }, checks: { disk: { mounts: [volume], minFreePercent: { warn: 50 } } } },
        ],
      }),
    );

    influx = await startInfluxd();
    collector = await startCollector(tmp.dir, { enroll: { secrets: [SECRET] }, influx: { url: influx.url, database: db, flushIntervalMs: 100 }, policyFile });
    const probes = {
      dns: {
        queries: [
          { domain: 'intranet.siaga.test', servers: [`127.0.0.1:${dns.port}`] },
          { domain: 'mail.siaga.test', servers: [`127.0.0.1:${deadDns.port}`] },
        ],
        queryTimeoutMs: 300,
        tries: 1,
      },
      backup: { entries: [{ name: 'documents', paths: [backups] }] },
      service: { names: ['siaga-dash-test'] },
    };
    const hosts: Array<[string, string, string]> = [
      ['ws-ready', 'hq', 'office'],
      ['ws-slow', 'hq', 'slow'],
      ['ws-full', 'branch', 'full'],
      ['ws-gone', 'branch', 'office'],
      ['ws-off', 'hq', 'office'],
    ];
    for (const [name, site, group] of hosts) {
      agents.set(name, startAgent(tmp.dir, name, { collector: { url: collector.url, enrollSecret: SECRET }, labels: { site, group, tags: [] }, probes }));
    }
    await waitForVerdict(collector.url, 'ws-ready', 'ready', 60_000);
    await waitForVerdict(collector.url, 'ws-slow', 'degraded', 30_000);
    await waitForVerdict(collector.url, 'ws-full', 'not_ready', 30_000);
    await waitForVerdict(collector.url, 'ws-gone', 'ready', 30_000);
    await waitForVerdict(collector.url, 'ws-off', 'ready', 30_000);
    // A few reports apart, so rates and differences have two points.
    await new Promise((r) => setTimeout(r, 15_000));
    agents.get('ws-gone')!.child.kill('SIGKILL');
    await agents.get('ws-off')!.stop('SIGTERM');
    await waitForVerdict(collector.url, 'ws-gone', 'offline', 40_000, (h) => !h.expected);
    await waitForVerdict(collector.url, 'ws-off', 'offline', 20_000, (h) => h.expected);
    // The collector's own sample comes every 10 s; wait for a second one.
    await waitFor(async () => {
      const [r] = await influx.query('SELECT count("agents_connected") FROM "siaga_collector"', db);
      return Number(r?.series?.[0]?.values[0]?.[1] ?? 0) >= 2 ? true : undefined;
    }, 'two siaga_collector samples', 30_000, 1_000);
  }, 240_000);

  afterAll(async () => {
    program?.kill('SIGKILL');
    await Promise.all([...agents.values()].map((a) => a.stop()));
    await collector?.stop();
    await influx?.stop();
    await Promise.all([dns?.close(), deadDns?.close()]);
    app?.close();
    tcp?.close();
    if (mounted) execFileSync('umount', [volume]);
    tmp.remove();
  });

  const options: SubstituteOptions = { values: { host: 'ws-full' }, range: '1h', interval: '10s' };

  it('every panel returns data, except those that need a real workstation, which InfluxDB still accepts', async () => {
    const outcomes = await runAll(influx, db, panelQueries(dashboards, options));
    const realHost = outcomes.filter((o) => o.q.needsRealHost);
    const rest = outcomes.filter((o) => !realHost.includes(o));
    console.log(
      [
        `${outcomes.length} panel queries: ${rest.length} must return data, ${realHost.length} need a real workstation (${Object.keys(REAL_HOST_MEASUREMENTS).join(', ')}).`,
        'Panels that need a real workstation (checked for errors only):',
        ...realHost.map((o) => `  ${o.q.dashboard} · ${o.q.panel} · ${o.q.refId} — ${o.q.needsRealHost}; here ${o.series} series`),
      ].join('\n'),
    );
    expect(rest.length).toBeGreaterThan(70);
    expect(rest.filter((o) => o.error || o.series === 0).map(label)).toEqual([]);
    expect(realHost.filter((o) => o.error).map(label)).toEqual([]);
  });

  it('shows the not-ready host with its reasons and the offline hosts with whether they signed off', async () => {
    const fleet = panelQueries(dashboards, options).filter((q) => q.dashboard === 'siaga-fleet');
    const rows = async (panel: string) => {
      const [r] = await influx.query(fleet.find((q) => q.panel === panel)!.query, db);
      return (r?.series ?? []).map((s) => ({ ...s.tags, ...Object.fromEntries(s.columns.map((c, i) => [c, s.values[0]?.[i]])) }));
    };
    expect(await rows('Not ready')).toEqual([expect.objectContaining({ host: 'ws-full', site: 'branch', group: 'full', reasons: expect.stringMatching(/^Disk .*volume: \d+% free \(needs 50%\)$/), failing_checks: 1 })]);
    const offline = await rows('Offline');
    expect(offline.map((r) => [r.host, r.expected]).sort()).toEqual([
      ['ws-gone', 0],
      ['ws-off', 1],
    ]);
  });

  it('lists sites, groups, hosts, collectors and software in the variables', async () => {
    for (const v of variableQueries(dashboards, options)) {
      const [r] = await influx.query(v.query, db);
      const values = (r?.series?.[0]?.values ?? []).map((row) => row[1]);
      if (v.variable === 'site') expect(values).toEqual(['branch', 'hq']);
      else expect(values.length, `${v.dashboard} $${v.variable}: ${v.query}`).toBeGreaterThan(0);
    }
  });
});
