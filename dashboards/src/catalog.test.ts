import { describe, expect, it } from 'vitest';
import { allDashboards } from './all.js';
import { isNumericFunction, queryRefs } from './influxql-refs.testutil.js';
import { loadMetricsCatalog, type MetricsCatalog } from './metrics-doc.testutil.js';
import { panelQueries, variableQueries } from './panel-queries.js';

const catalog = loadMetricsCatalog();
const dashboards = allDashboards();
// The stored templates, so the names checked are the ones Grafana will send.
const panels = panelQueries(dashboards, { values: { host: 'ws-1' } });
const variables = variableQueries(dashboards, { values: { host: 'ws-1' } });

/** Why a query does not match docs/metrics.md; empty when every name it uses is documented. */
function catalogProblems(query: string, c: MetricsCatalog): string[] {
  const refs = queryRefs(query);
  const problems: string[] = [];
  if (refs.measurements.length === 0) problems.push('no measurement');
  const tags = new Set(c.hostTags);
  const fields = new Set<string>();
  const strings = new Set<string>();
  for (const m of new Set(refs.measurements)) {
    const doc = c.measurements.get(m);
    if (!doc) {
      problems.push(`measurement "${m}" is not in docs/metrics.md`);
      continue;
    }
    doc.tags.forEach((t) => tags.add(t));
    doc.fields.forEach((f) => fields.add(f));
    doc.stringFields.forEach((f) => strings.add(f));
  }
  const aliases = new Set(refs.aliases);
  for (const n of new Set(refs.names)) {
    if (n !== 'time' && !tags.has(n) && !fields.has(n) && !aliases.has(n)) problems.push(`"${n}" is neither a field nor a tag of ${refs.measurements.join(', ')}`);
  }
  for (const k of refs.tagKeys) if (!tags.has(k)) problems.push(`"${k}" is not a tag of ${refs.measurements.join(', ')}`);
  for (const call of refs.calls) {
    if (isNumericFunction(call.fn) && strings.has(call.field) && !aliases.has(call.field)) problems.push(`${call.fn}() of the string field "${call.field}"`);
  }
  for (const word of refs.bare) problems.push(`unquoted name ${word}`);
  return problems;
}

describe('the metrics catalog read from docs/metrics.md', () => {
  it('has the host tags and the measurements with their tags, fields and string fields', () => {
    expect([...catalog.hostTags].sort()).toEqual(['group', 'host', 'host_id', 'os', 'site']);
    expect(catalog.measurements.size).toBeGreaterThanOrEqual(25);
    const cpu = catalog.measurements.get('cpu');
    expect([...(cpu?.tags ?? [])]).toEqual(['cpu']);
    expect(cpu?.fields.has('usage_active')).toBe(true);
    const readiness = catalog.measurements.get('siaga_readiness');
    expect([...(readiness?.fields ?? [])]).toEqual(['verdict_code', 'verdict', 'expected', 'reasons', 'failing_checks', 'warning_checks']);
    expect([...(readiness?.stringFields ?? [])].sort()).toEqual(['reasons', 'verdict']);
    expect([...(catalog.measurements.get('disk')?.tags ?? [])]).toEqual(['path', 'fstype', 'mode']);
    expect([...(catalog.measurements.get('ping')?.tags ?? [])]).toEqual(['target', 'url']);
    expect(Object.fromEntries(catalog.measurements.get('ping')?.tagExamples ?? [])).toEqual({ target: 'gateway' });
    expect(cpu?.tagExamples.get('cpu')).toBe('cpu-total');
    expect(catalog.measurements.get('smart_device')?.stringFields.has('problems')).toBe(true);
    expect(catalog.measurements.get('system')?.fields.has('pending_reboot')).toBe(true);
  });
});

describe('dashboard queries against the catalog', () => {
  it('finds problems in queries that name what the collector does not write', () => {
    expect(catalogProblems('SELECT mean("usage_bogus") FROM "cpu" WHERE $timeFilter', catalog)).toEqual(['"usage_bogus" is neither a field nor a tag of cpu']);
    expect(catalogProblems('SELECT last("x") FROM "gpu"', catalog)).toContain('measurement "gpu" is not in docs/metrics.md');
    expect(catalogProblems('SELECT mean("temp") FROM "temp" GROUP BY "core"', catalog)).toEqual(['"core" is neither a field nor a tag of temp']);
    expect(catalogProblems('SHOW TAG VALUES FROM "siaga_readiness" WITH KEY = "verdict"', catalog)).toEqual(['"verdict" is not a tag of siaga_readiness']);
    expect(catalogProblems('SELECT mean("reasons") FROM "siaga_readiness"', catalog)).toEqual(['mean() of the string field "reasons"']);
    expect(catalogProblems('SELECT mean(usage_active) FROM "cpu"', catalog)).toEqual(['unquoted name usage_active']);
    expect(catalogProblems('SELECT "v" FROM (SELECT last("verdict_code") AS "v" FROM "siaga_readiness") WHERE "v" = 2', catalog)).toEqual([]);
  });

  it.each(panels.map((q) => [`${q.dashboard} · ${q.panel} · ${q.refId}`, q.template] as const))('%s', (_, query) => {
    expect(catalogProblems(query, catalog)).toEqual([]);
  });

  it.each(variables.map((v) => [`${v.dashboard} · $${v.variable}`, v.template] as const))('variable %s', (_, query) => {
    expect(catalogProblems(query, catalog)).toEqual([]);
  });

  it('shows every documented measurement somewhere', () => {
    const used = new Set(panels.flatMap((q) => q.measurements));
    expect([...catalog.measurements.keys()].filter((m) => !used.has(m))).toEqual([]);
  });
});
