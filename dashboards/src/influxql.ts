/**
 * InfluxQL text for the dashboards. Every measurement, field and tag is written as a quoted
 * identifier, so a test can find each name a query uses and hold it against docs/metrics.md.
 */

/** Grafana's macros for the InfluxDB data source. */
export const TIME_FILTER = '$timeFilter';
export const INTERVAL = '$__interval';

export const ident = (name: string): string => `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
export const str = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** `fn("field")`, e.g. `mean("usage_active")`. */
export const fn = (name: string, field: string): string => `${name}(${ident(field)})`;
export const as = (expr: string, alias: string): string => `${expr} AS ${ident(alias)}`;
/** Per-second rate of a counter that restarts from zero (an agent or collector restart). */
export const rate = (field: string): string => `non_negative_derivative(max(${ident(field)}), 1s)`;
/** Increase of a counter per GROUP BY interval, ignoring resets. */
export const increase = (field: string): string => `non_negative_difference(max(${ident(field)}))`;

/** `"tag" =~ /^$var$/`: a template variable that may be multi-valued or "All" (`.*`). */
export const matchVar = (tag: string, variable = tag): string => `${ident(tag)} =~ /^$${variable}$/`;
export const eq = (name: string, value: number | string): string => cmp(name, '=', value);
export const cmp = (name: string, op: '=' | '!=' | '<' | '<=' | '>' | '>=', value: number | string): string =>
  `${ident(name)} ${op} ${typeof value === 'number' ? String(value) : str(value)}`;
export const regex = (name: string, pattern: string): string => `${ident(name)} =~ /${pattern}/`;

export type Fill = 'null' | 'none' | '0' | 'previous';

export interface SelectSpec {
  select: readonly string[];
  /** A measurement, or an inner SELECT (a subquery). */
  from: string | SelectSpec;
  where?: readonly string[];
  /** GROUP BY time(...) with this interval (usually `$__interval`). */
  every?: string;
  /** Tags to group by. */
  by?: readonly string[];
  fill?: Fill;
  newestFirst?: boolean;
  limit?: number;
}

export function select(spec: SelectSpec): string {
  const from = typeof spec.from === 'string' ? ident(spec.from) : `(${select(spec.from)})`;
  let q = `SELECT ${spec.select.join(', ')} FROM ${from}`;
  if (spec.where && spec.where.length > 0) q += ` WHERE ${spec.where.join(' AND ')}`;
  const groups = [...(spec.every ? [`time(${spec.every})`] : []), ...(spec.by ?? []).map(ident)];
  if (groups.length > 0) q += ` GROUP BY ${groups.join(', ')}`;
  if (spec.fill) q += ` fill(${spec.fill})`;
  if (spec.newestFirst) q += ' ORDER BY time DESC';
  if (spec.limit !== undefined) q += ` LIMIT ${spec.limit}`;
  return q;
}

/**
 * The newest point of each series: `last(first field)` paired with the other fields of the same
 * point (InfluxQL selectors carry the rest of their point along).
 */
export function latest(measurement: string, fields: readonly [string, ...string[]], where: readonly string[], by: readonly string[]): SelectSpec {
  const [key, ...rest] = fields;
  return { select: [as(fn('last', key), key), ...rest.map(ident)], from: measurement, where: [TIME_FILTER, ...where], by };
}

/** `SHOW TAG VALUES` for a template variable, narrowed by other variables' tags. */
export function tagValues(measurement: string, key: string, where: readonly string[] = []): string {
  const filter = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
  return `SHOW TAG VALUES FROM ${ident(measurement)} WITH KEY = ${ident(key)}${filter}`;
}

/** Aggregates per `$__interval` over the dashboard's time range, one series per tag combination. */
export const overTime = (measurement: string, exprs: readonly string[], where: readonly string[], by: readonly string[] = []): string =>
  select({ select: exprs, from: measurement, where: [TIME_FILTER, ...where], every: INTERVAL, by, fill: 'null' });

export const meanOf = (field: string): string => as(fn('mean', field), field);
/** Share of 1s in a 1/0 field, in percent (availability, pass rate). */
export const percentOf = (field: string, alias = field): string => as(`100 * mean(${ident(field)})`, alias);
