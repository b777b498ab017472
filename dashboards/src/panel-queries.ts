import type { Dashboard, Panel, RowPanel, VariableModel } from '@grafana/grafana-foundation-sdk/dashboard';
import { REAL_HOST_MEASUREMENTS } from './real-host.js';

/** Variable values as Grafana would pass them: one value, several, or omitted for "All". */
export type VariableValues = Record<string, string | readonly string[]>;

export interface SubstituteOptions {
  values?: VariableValues;
  /** `$timeFilter` becomes `time > now() - <range>`; default 1h. */
  range?: string;
  /** `$__interval`; default 1m. */
  interval?: string;
}

export interface PanelQuery {
  dashboard: string;
  panel: string;
  refId: string;
  /** The query with variables and macros replaced, ready for InfluxDB. */
  query: string;
  /** The query as stored in the dashboard. */
  template: string;
  measurements: string[];
  /** Set when a measurement it reads only exists on a real workstation (see REAL_HOST_MEASUREMENTS). */
  needsRealHost?: string;
}

export interface VariableQuery {
  dashboard: string;
  variable: string;
  query: string;
  template: string;
}

const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|/]/g;
const escapeRegex = (v: string) => v.replace(REGEX_SPECIAL, '\\$&');

export function measurementsOf(query: string): string[] {
  return [...new Set([...query.matchAll(/FROM\s+"((?:[^"\\]|\\.)+)"/g)].map((m) => m[1]!))];
}

/** Grafana's InfluxDB interpolation: "All" is the variable's allValue, values are escaped for the regex they sit in. */
function interpolate(variable: VariableModel, given: string | readonly string[] | undefined, dashboard: string): string {
  if (given === undefined || given === '$__all') {
    if (variable.includeAll && variable.allValue !== undefined) return variable.allValue;
    throw new Error(`${dashboard}: no value given for $${variable.name}, and it has no "All"`);
  }
  if (typeof given === 'string') return variable.multi || variable.includeAll ? escapeRegex(given) : given;
  const escaped = given.map(escapeRegex);
  return escaped.length === 1 ? escaped[0]! : `(${escaped.join('|')})`;
}

function substitute(template: string, d: Dashboard, o: SubstituteOptions): string {
  const variables = new Map((d.templating.list ?? []).map((v) => [v.name, v]));
  return template.replace(/\$(\w+)|\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]/g, (_, a?: string, b?: string, c?: string) => {
    const name = (a ?? b ?? c)!;
    if (name === 'timeFilter') return `time > now() - ${o.range ?? '1h'}`;
    if (name === '__interval') return o.interval ?? '1m';
    const variable = variables.get(name);
    if (!variable) throw new Error(`${d.uid}: query uses $${name}, which the dashboard does not define`);
    return interpolate(variable, o.values?.[name], d.uid ?? '');
  });
}

function panelsOf(d: Dashboard): Panel[] {
  const out: Panel[] = [];
  for (const p of (d.panels ?? []) as Array<Panel | RowPanel>) {
    if (p.type === 'row') out.push(...(p as RowPanel).panels);
    else out.push(p as Panel);
  }
  return out;
}

/** Every query of every panel, with template variables and Grafana's macros replaced. */
export function panelQueries(dashboards: readonly Dashboard[], options: SubstituteOptions = {}): PanelQuery[] {
  const out: PanelQuery[] = [];
  for (const d of dashboards) {
    for (const panel of panelsOf(d)) {
      for (const target of (panel.targets ?? []) as unknown as Array<{ refId: string; query?: string }>) {
        if (!target.query) continue;
        const measurements = measurementsOf(target.query);
        const needs = measurements.filter((m) => m in REAL_HOST_MEASUREMENTS).map((m) => `${m}: needs ${REAL_HOST_MEASUREMENTS[m]}`);
        out.push({
          dashboard: d.uid ?? d.title ?? '',
          panel: panel.title ?? '',
          refId: target.refId,
          query: substitute(target.query, d, options),
          template: target.query,
          measurements,
          ...(needs.length > 0 ? { needsRealHost: needs.join('; ') } : {}),
        });
      }
    }
  }
  return out;
}

/** The `SHOW TAG VALUES` queries behind the template variables, substituted the same way. */
export function variableQueries(dashboards: readonly Dashboard[], options: SubstituteOptions = {}): VariableQuery[] {
  const out: VariableQuery[] = [];
  for (const d of dashboards) {
    for (const v of d.templating.list ?? []) {
      if (v.type !== 'query' || typeof v.query !== 'string') continue;
      out.push({ dashboard: d.uid ?? '', variable: v.name, query: substitute(v.query, d, options), template: v.query });
    }
  }
  return out;
}
