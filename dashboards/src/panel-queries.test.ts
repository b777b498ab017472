import { describe, expect, it } from 'vitest';
import { allDashboards } from './all.js';
import { measurementsOf, panelQueries, variableQueries } from './panel-queries.js';
import { REAL_HOST_MEASUREMENTS } from './real-host.js';

const dashboards = allDashboards();

describe('panelQueries', () => {
  const queries = panelQueries(dashboards, { values: { site: 'hq', host: 'ws-1' }, range: '30m', interval: '10s' });

  it('lists every target of every panel once', () => {
    const targets = dashboards.flatMap((d) => (d.panels ?? []).flatMap((p) => ((p as { targets?: unknown[] }).targets ?? []).map(() => d.uid)));
    expect(queries).toHaveLength(targets.length);
    expect(queries.length).toBeGreaterThan(80);
  });

  it('replaces variables, $timeFilter and $__interval; "All" where no value is given', () => {
    for (const q of queries) {
      expect(q.query, q.template).not.toMatch(/\$\w|\$\{|\[\[/);
      if (q.template.includes('$timeFilter')) expect(q.query).toContain('time > now() - 30m');
    }
    const notReady = queries.find((q) => q.dashboard === 'siaga-fleet' && q.panel === 'Not ready')!;
    expect(notReady.query).toContain('"site" =~ /^hq$/ AND "group" =~ /^.*$/');
    const cpu = queries.find((q) => q.dashboard === 'siaga-host' && q.panel === 'CPU')!;
    expect(cpu.query).toBe(
      'SELECT mean("usage_active") AS "usage_active", mean("usage_user") AS "usage_user", mean("usage_system") AS "usage_system" FROM "cpu" WHERE time > now() - 30m AND "host" =~ /^ws-1$/ AND "cpu" = \'cpu-total\' GROUP BY time(10s) fill(null)',
    );
  });

  it('joins several values into one escaped alternation, as Grafana does for InfluxDB', () => {
    const [q] = panelQueries([dashboards[0]!], { values: { site: ['hq', 'branch.office'], group: 'a/b' } });
    expect(q!.query).toContain('"site" =~ /^(hq|branch\\.office)$/ AND "group" =~ /^a\\/b$/');
  });

  it('refuses a variable without a value and without "All"', () => {
    expect(() => panelQueries(dashboards)).toThrow('siaga-host: no value given for $host');
  });

  it('marks the panels that need a real workstation, by measurement', () => {
    const marked = queries.filter((q) => q.needsRealHost);
    expect(new Set(marked.flatMap((q) => q.measurements))).toEqual(new Set(Object.keys(REAL_HOST_MEASUREMENTS)));
    for (const q of queries) expect(Boolean(q.needsRealHost)).toBe(q.measurements.some((m) => m in REAL_HOST_MEASUREMENTS));
    expect(marked.find((q) => q.panel === 'Battery')?.needsRealHost).toBe('battery: needs a battery (laptops)');
  });

  it('finds the measurement of a subquery', () => {
    expect(measurementsOf('SELECT count("v") FROM (SELECT last("verdict_code") AS "v" FROM "siaga_readiness" GROUP BY "host_id")')).toEqual(['siaga_readiness']);
  });
});

describe('variableQueries', () => {
  it('chains group by site and host by site and group', () => {
    const vars = variableQueries([dashboards[1]!], { values: { site: 'hq' } });
    expect(vars.map((v) => [v.variable, v.query])).toEqual([
      ['site', 'SHOW TAG VALUES FROM "siaga_readiness" WITH KEY = "site"'],
      ['group', 'SHOW TAG VALUES FROM "siaga_readiness" WITH KEY = "group" WHERE "site" =~ /^hq$/'],
      ['host', 'SHOW TAG VALUES FROM "siaga_readiness" WITH KEY = "host" WHERE "site" =~ /^hq$/ AND "group" =~ /^.*$/'],
    ]);
  });
});
