import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { DATASOURCE } from './datasource.js';

export type ResultFormat = 'time_series' | 'table';

/** One raw InfluxQL target of a panel, as Grafana's InfluxDB data source stores it. */
export interface InfluxTarget extends cog.Dataquery {
  refId: string;
  datasource: typeof DATASOURCE;
  query: string;
  rawQuery: true;
  resultFormat: ResultFormat;
  /** Legend text for time series: `$tag_host`, `$col`. */
  alias?: string;
}

export interface TargetOptions {
  format?: ResultFormat;
  alias?: string;
}

/** The foundation SDK has no InfluxDB query type; this builder fills the gap. */
export class InfluxQLTargetBuilder implements cog.Builder<cog.Dataquery> {
  constructor(
    private readonly query: string,
    private readonly options: TargetOptions = {},
  ) {}

  build(): InfluxTarget {
    return {
      // Panels number their targets A, B, C… when the dashboard is finished (see finish.ts).
      refId: '',
      datasource: DATASOURCE,
      query: this.query,
      rawQuery: true,
      resultFormat: this.options.format ?? 'time_series',
      ...(this.options.alias ? { alias: this.options.alias } : {}),
      _implementsDataqueryVariant() {},
    };
  }
}

export const influx = (query: string, options?: TargetOptions): InfluxQLTargetBuilder => new InfluxQLTargetBuilder(query, options);
export const tableQuery = (query: string): InfluxQLTargetBuilder => new InfluxQLTargetBuilder(query, { format: 'table' });
