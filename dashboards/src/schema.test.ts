import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { allDashboards } from './all.js';
import { DATASOURCE_UID } from './datasource.js';

/** Grafana's dashboard JSON schema: SIAGA_GRAFANA_SCHEMA, or shared/ beside the repository. */
const schemaPath = process.env.SIAGA_GRAFANA_SCHEMA ?? fileURLToPath(new URL('../../../shared/grafana/dashboard.jsonschema.json', import.meta.url));
const dashboards = allDashboards();

const haveSchema = existsSync(schemaPath);

describe.skipIf(!haveSchema)(`dashboards against ${schemaPath}`, () => {
  // The schema marks a few dashboard-meta timestamps as date-time; no dashboard field uses them.
  const ajv = new Ajv({ allErrors: true, strict: false, formats: { 'date-time': true } });
  // The body of a skipped describe still runs while tests are collected: read only when present.
  const validate = ajv.compile(haveSchema ? (JSON.parse(readFileSync(schemaPath, 'utf8')) as object) : {});

  it.each(dashboards.map((d) => [d.uid, d] as const))('%s is valid', (_, d) => {
    const valid = validate(d);
    expect(validate.errors ?? [], JSON.stringify(validate.errors?.slice(0, 5), null, 2)).toEqual([]);
    expect(valid).toBe(true);
  });

  it('rejects a dashboard Grafana would not load', () => {
    const broken = structuredClone(dashboards[0]!) as unknown as Record<string, unknown>;
    delete broken.schemaVersion;
    expect(validate(broken)).toBe(false);
    const untyped = structuredClone(dashboards[0]!);
    untyped.panels![1]!.type = '';
    expect(validate(untyped)).toBe(false);
  });
});

describe('dashboard structure', () => {
  const panels = (d: (typeof dashboards)[number]) => (d.panels ?? []) as Array<{ id: number; type: string; datasource?: { uid?: string }; targets?: Array<{ refId: string; datasource?: { uid?: string } }>; fieldConfig?: unknown }>;

  it('has six dashboards with fixed, unique uids', () => {
    expect(dashboards.map((d) => d.uid)).toEqual(['siaga-fleet', 'siaga-host', 'siaga-network', 'siaga-apps', 'siaga-inventory', 'siaga-collector']);
  });

  it.each(dashboards.map((d) => [d.uid, d] as const))('%s: unique panel ids, refIds per panel, every query on the siaga data source', (_, d) => {
    const ids = panels(d).map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of panels(d).filter((p) => p.type !== 'row' && p.type !== 'text')) {
      expect(p.datasource?.uid).toBe(DATASOURCE_UID);
      expect(p.targets?.length).toBeGreaterThan(0);
      const refIds = p.targets!.map((t) => t.refId);
      expect(new Set(refIds).size).toBe(refIds.length);
      for (const t of p.targets!) expect(t.datasource?.uid).toBe(DATASOURCE_UID);
    }
    for (const v of d.templating.list ?? []) expect(v.datasource?.uid).toBe(DATASOURCE_UID);
  });

  it('links only to dashboards that exist, passing the host', () => {
    const uids = new Set(dashboards.map((d) => d.uid));
    const urls = JSON.stringify(dashboards).match(/\/d\/[a-z-]+\?[^"]*/g) ?? [];
    expect(urls.length).toBeGreaterThan(10);
    for (const url of urls) {
      expect(uids.has(/^\/d\/([a-z-]+)/.exec(url)![1]!)).toBe(true);
      expect(url).toContain('var-host=${__data.fields.host}');
    }
    const fleet = JSON.stringify(dashboards.find((d) => d.uid === 'siaga-fleet'));
    expect(fleet).toContain('/d/siaga-host?var-host=${__data.fields.host}');
  });
});
