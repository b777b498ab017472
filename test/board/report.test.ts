import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../collector/src/store/db.js';
import { artifact, hasChromium, launchBrowser } from '../harness/browser.js';
import { COLLECTOR_CLI, type RunningCollector, startCollector } from '../harness/processes.js';
import { tempDir } from '../harness/tmp.js';
import { expectedFor, type HostScript, insertScript, scriptHosts, type SiteScript } from './scripted-week.js';

const H = 3_600_000;
const MIN = 60_000;

// Thursday 22 – Wednesday 28 October 2026. Berlin leaves summer time on Sunday the 25th.
const jakarta: SiteScript = {
  name: 'jakarta',
  timezone: 'Asia/Jakarta',
  businessHours: [
    { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '17:00' },
    { days: ['sat'], from: '08:00', to: '12:00' },
  ],
  from: Date.UTC(2026, 9, 22) - 7 * H,
  to: Date.UTC(2026, 9, 29) - 7 * H,
};
const berlin: SiteScript = {
  name: 'berlin',
  timezone: 'Europe/Berlin',
  businessHours: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:30', to: '17:30' }],
  from: Date.UTC(2026, 9, 22) - 2 * H,
  to: Date.UTC(2026, 9, 29) - 1 * H,
};

interface Json {
  sites: Array<{
    site: string;
    summary: string;
    businessMs: number;
    readyPct: number;
    totals: Record<string, number>;
    hosts: Array<{ hostname: string; readyPct: number; incidents: number; buckets: Record<string, number> }>;
    incidents: Array<{ hostname: string; businessMs: number; timeToAcknowledgeMs: number | null }>;
    causes: Array<{ check: string; businessMs: number }>;
  }>;
}

describe('readiness report over a scripted week (business hours in non-UTC time zones)', () => {
  const tmp = tempDir('report');
  const dataDir = path.join(tmp.dir, 'collector-data');
  const policyFile = path.join(tmp.dir, 'policy.yaml');
  const configFile = path.join(tmp.dir, 'report-cli.yaml');
  const scripts = new Map<string, HostScript[]>();
  let collector: RunningCollector | undefined;

  beforeAll(() => {
    const db = openDatabase(dataDir);
    for (const [site, seed] of [[jakarta, 7], [berlin, 11]] as const) {
      const hosts = scriptHosts(site, 4, seed);
      scripts.set(site.name, hosts);
      insertScript(db, hosts);
    }
    db.close();
    writeFileSync(policyFile, YAML.stringify({ sites: Object.fromEntries([jakarta, berlin].map((s) => [s.name, { timezone: s.timezone, businessHours: s.businessHours, description: s.name === 'jakarta' ? 'Jakarta HQ' : 'Berlin office' }])) }));
    writeFileSync(configFile, YAML.stringify({ dataDir, policyFile }));
  });

  afterAll(async () => {
    await collector?.stop();
    tmp.remove();
  });

  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [COLLECTOR_CLI, 'report', '--config', configFile, '--from', '2026-10-22', '--to', '2026-10-28', ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`report exited with ${r.status}: ${r.stderr}`);
    return r.stdout;
  };

  function check(site: SiteScript, report: Json['sites'][number]) {
    const { total, perHost } = expectedFor(site, scripts.get(site.name) as HostScript[]);
    // The script must exercise what is being checked.
    expect(total.incidents).toBeGreaterThan(3);
    expect(total.notInUse).toBeGreaterThan(0);
    expect(total.timesToAcknowledge.length).toBeGreaterThan(0);

    expect(report.totals).toMatchObject({ ready: total.ready * MIN, degraded: total.degraded * MIN, notReady: total.notReady * MIN, offline: total.offline * MIN, notInUse: total.notInUse * MIN });
    expect(report.readyPct).toBeCloseTo(total.readyPct, 12);
    expect(report.summary).toContain(`ready for use ${(total.readyPct * 100).toFixed(1)} % of business hours`);
    expect(report.incidents).toHaveLength(total.incidents);
    expect(report.incidents.filter((i) => i.businessMs > 0)).toHaveLength(total.incidentsInBusinessHours);
    expect(report.summary).toContain(`There were ${total.incidents} incidents (${total.incidentsInBusinessHours} during business hours)`);
    expect(report.incidents.flatMap((i) => (i.timeToAcknowledgeMs === null ? [] : [i.timeToAcknowledgeMs])).sort()).toEqual([...total.timesToAcknowledge].sort());
    expect(Object.fromEntries(report.causes.map((c) => [c.check, c.businessMs]))).toEqual(Object.fromEntries(Object.entries(total.causes).map(([k, v]) => [k, v * MIN])));
    for (const h of report.hosts) {
      const e = perHost.get(h.hostname);
      expect(e, h.hostname).toBeDefined();
      expect(h.readyPct, h.hostname).toBeCloseTo(e!.readyPct, 12);
      expect(h.incidents, h.hostname).toBe(e!.incidents);
    }
    expect(report.hosts).toHaveLength(perHost.size);
    return total;
  }

  it('states the ready-time percentage and incident counts worked out minute by minute (CLI, JSON)', () => {
    const json = JSON.parse(cli('--format', 'json')) as Json;
    expect(json.sites.map((s) => s.site).sort()).toEqual(['berlin', 'jakarta']);
    const j = json.sites.find((s) => s.site === 'jakarta')!;
    const b = json.sites.find((s) => s.site === 'berlin')!;
    // Business hours of the week: 5 × 9 h + 4 h on Saturday; Berlin 5 × 9 h across the clock change.
    expect(j.businessMs).toBe(49 * H);
    expect(b.businessMs).toBe(45 * H);
    check(jakarta, j);
    check(berlin, b);
    expect(j.summary).toMatch(/^Over 22–28 October 2026, the 4 machines at Jakarta HQ \(jakarta\) were ready for use/);
  });

  it('writes the same numbers as CSV and printable HTML for one site', () => {
    const { total, perHost } = expectedFor(jakarta, scripts.get('jakarta') as HostScript[]);
    const csv = cli('--site', 'jakarta', '--format', 'csv').trim().split('\r\n');
    const all = csv.find((l) => l.startsWith('jakarta,(all),'))?.split(',');
    expect(all?.[12]).toBe((total.readyPct * 100).toFixed(2));
    expect(all?.[14]).toBe(String(total.incidents));
    for (const [name, e] of perHost) expect(csv.find((l) => l.startsWith(`jakarta,${name},`))?.split(',')[12]).toBe((e.readyPct * 100).toFixed(2));
    expect(csv.some((l) => l.startsWith('berlin,'))).toBe(false);

    const out = path.join(tmp.dir, 'jakarta.html');
    cli('--site', 'jakarta', '--out', out);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain(`ready for use ${(total.readyPct * 100).toFixed(1)} % of business hours`);
    expect(html).toContain('@media print');
  });

  it('serves the same report over the API to signed-in users only, and the board shows it', async () => {
    collector = await startCollector(tmp.dir, { dataDir, policyFile });
    const q = '/v1/reports/readiness?site=berlin&from=2026-10-22&to=2026-10-28';
    expect((await fetch(`${collector.url}${q}`)).status).toBe(401);
    const res = await collector.api(q);
    expect(res.status).toBe(200);
    const { total } = expectedFor(berlin, scripts.get('berlin') as HostScript[]);
    const body = (await res.json()) as Json;
    expect(check(berlin, body.sites[0]!)).toEqual(total);
    const csv = await collector.api(`${q}&format=csv`);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(await csv.text()).toContain(`berlin,(all),`);
    if (!hasChromium) return;
    const browser = await launchBrowser({ width: 1100, height: 1400 });
    try {
      await browser.page.goto(`${collector.url}/`);
      // The report page is the board's: sign in, then open it.
      const password = readFileSync(path.join(dataDir, 'initial-admin-password'), 'utf8').trim();
      await browser.page.fill('#login input[name=name]', 'admin');
      await browser.page.fill('#login input[name=password]', password);
      await browser.page.click('#login button[type=submit]');
      await browser.page.waitForSelector('#top:not([hidden])');
      await browser.page.goto(`${collector.url}/#/reports?site=jakarta&from=2026-10-22&to=2026-10-28`);
      const frame = browser.page.frameLocator('#report-frame');
      await expect.poll(async () => frame.locator('.summary').first().textContent({ timeout: 10_000 }), { timeout: 15_000 }).toContain('Jakarta HQ');
      await browser.page.goto(`${collector.url}/v1/reports/readiness?site=jakarta&from=2026-10-22&to=2026-10-28&format=html`);
      await browser.page.screenshot({ path: artifact('report.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
