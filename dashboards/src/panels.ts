import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import { DashboardLinkBuilder, DashboardLinkType, type DataTransformerConfig, MappingType, ThresholdsConfigBuilder, ThresholdsMode, type ValueMapping } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as BarGaugeBuilder } from '@grafana/grafana-foundation-sdk/bargauge';
import { PanelBuilder as PieChartBuilder, PieChartLabels, PieChartLegendOptionsBuilder, PieChartLegendValues, PieChartType } from '@grafana/grafana-foundation-sdk/piechart';
import { PanelBuilder as StatBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as StateTimelineBuilder } from '@grafana/grafana-foundation-sdk/statetimeline';
import { PanelBuilder as TableBuilder } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TextBuilder, TextMode } from '@grafana/grafana-foundation-sdk/text';
import { PanelBuilder as TimeseriesBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { DATASOURCE } from './datasource.js';
import type { DataLink } from './links.js';

type Query = cog.Builder<cog.Dataquery>;

export interface PanelOptions {
  title: string;
  description?: string;
  targets: Query[];
  /** Grid width (of 24) and height. */
  w?: number;
  h?: number;
  unit?: string;
  decimals?: number;
  min?: number;
  max?: number;
  mappings?: ValueMapping[];
  /** Threshold steps: base colour first, then `[value, colour]` pairs. */
  thresholds?: [string, ...Array<[number, string]>];
  /** Lower bound of `$__interval` for this panel (e.g. the 60 s verdict heartbeat). */
  interval?: string;
  transformations?: DataTransformerConfig[];
}

export type Colour = 'green' | 'yellow' | 'orange' | 'red' | 'purple' | 'blue' | 'text';

/** Numbers shown as words, optionally coloured: `{ 0: ['pass', 'green'] }`. */
const mapping = (entries: Record<string, [string, Colour?]>): ValueMapping[] => [
  {
    type: MappingType.ValueToText,
    options: Object.fromEntries(Object.entries(entries).map(([value, [text, color]], index) => [value, color ? { text, color, index } : { text, index }])),
  },
];

/** `siaga_readiness.verdict_code`. */
export const VERDICT_MAPPINGS = mapping({ 0: ['ready', 'green'], 1: ['degraded', 'yellow'], 2: ['not ready', 'red'], 3: ['offline', 'purple'], 4: ['unknown', 'blue'] });
/** The verdict strings, for colouring by name after a group-by. */
export const VERDICT_COLOURS: Record<string, Colour> = { ready: 'green', degraded: 'yellow', not_ready: 'red', offline: 'purple', unknown: 'blue' };
/** The verdict and status strings, coloured (they can sit in a table next to unrelated numbers). */
export const VERDICT_TEXT_MAPPINGS = mapping({ ready: ['ready', 'green'], degraded: ['degraded', 'yellow'], not_ready: ['not ready', 'red'], offline: ['offline', 'purple'], unknown: ['unknown', 'blue'] });
export const STATUS_TEXT_MAPPINGS = mapping({ pass: ['pass', 'green'], warn: ['warn', 'yellow'], fail: ['fail', 'red'] });
/** `siaga_check.status_code`. */
export const STATUS_MAPPINGS = mapping({ 0: ['pass', 'green'], 1: ['warn', 'yellow'], 2: ['fail', 'red'] });
/** Cell colours by thresholds for 1/0 facts and counts, where mappings cannot be used. */
export const GOOD_FLAG: NonNullable<PanelOptions['thresholds']> = ['red', [1, 'green']];
export const BAD_FLAG: NonNullable<PanelOptions['thresholds']> = ['green', [1, 'orange']];
export const BAD_COUNT: NonNullable<PanelOptions['thresholds']> = ['green', [1, 'red']];
/** 1/0 facts where 1 needs attention (`read_only`, `pending_reboot`). */
export const BAD_FLAG_MAPPINGS = mapping({ 0: ['no', 'green'], 1: ['yes', 'orange'] });
/** `siaga_readiness.expected` on an offline host. */
export const EXPECTED_MAPPINGS = mapping({ 0: ['unexpected', 'red'], 1: ['signed off', 'text'] });

function thresholds(steps: NonNullable<PanelOptions['thresholds']>): ThresholdsConfigBuilder {
  const [base, ...rest] = steps;
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([{ value: null, color: base }, ...rest.map(([value, color]) => ({ value, color }))]);
}

interface CommonBuilder {
  title(t: string): unknown;
  description(d: string): unknown;
  datasource(d: typeof DATASOURCE): unknown;
  withTarget(q: Query): unknown;
  span(w: number): unknown;
  height(h: number): unknown;
  unit(u: string): unknown;
  decimals(d: number): unknown;
  min(m: number): unknown;
  max(m: number): unknown;
  mappings(m: ValueMapping[]): unknown;
  thresholds(t: ThresholdsConfigBuilder): unknown;
  interval(i: string): unknown;
  transformations(t: DataTransformerConfig[]): unknown;
}

function apply<T extends CommonBuilder>(panel: T, o: PanelOptions, size: { w: number; h: number }): T {
  panel.title(o.title);
  if (o.description) panel.description(o.description);
  panel.datasource(DATASOURCE);
  for (const t of o.targets) panel.withTarget(t);
  panel.span(o.w ?? size.w);
  panel.height(o.h ?? size.h);
  if (o.unit) panel.unit(o.unit);
  if (o.decimals !== undefined) panel.decimals(o.decimals);
  if (o.min !== undefined) panel.min(o.min);
  if (o.max !== undefined) panel.max(o.max);
  if (o.mappings) panel.mappings(o.mappings);
  if (o.thresholds) panel.thresholds(thresholds(o.thresholds));
  if (o.interval) panel.interval(o.interval);
  if (o.transformations) panel.transformations(o.transformations);
  return panel;
}

const legend = (placement = common.LegendPlacement.Bottom) =>
  new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List).placement(placement).calcs([]);

export function timeseries(o: PanelOptions & { stack?: boolean; bars?: boolean }): TimeseriesBuilder {
  const p = apply(new TimeseriesBuilder(), o, { w: 12, h: 8 })
    .legend(legend())
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending))
    .lineWidth(1)
    .fillOpacity(o.stack ? 60 : 10)
    .spanNulls(false)
    .showPoints(common.VisibilityMode.Never);
  if (o.stack) p.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
  if (o.bars) p.drawStyle(common.GraphDrawStyle.Bars);
  return p;
}

/**
 * Overrides match fields by the `byNames` matcher and set only object values (cell options,
 * thresholds, colours): the dashboard JSON schema allows nothing else there. Headers, order and
 * hidden columns therefore come from an `organize` transformation, units and mappings from the
 * panel defaults, and links apply to the whole row.
 */
const byNames = (...names: string[]) => ({ id: 'byNames', options: { mode: 'include', names } });

export interface TableOptions extends PanelOptions {
  /** Field → header, in display order; fields not named keep their name and come after. */
  columns: Record<string, string>;
  /** Fields not to show (`Time` is hidden unless `showTime`). */
  hide?: string[];
  showTime?: boolean;
  /** Headers whose cells are coloured, by thresholds when given, else by the value mappings. */
  colour?: Record<string, PanelOptions['thresholds'] | true>;
  /** Every cell of a row links here (a row is one host, check or volume). */
  link?: DataLink;
  sortBy?: { header: string; desc: boolean };
}

export function table(o: TableOptions): TableBuilder {
  const names = Object.keys(o.columns);
  const organize = {
    id: 'organize',
    options: {
      // The time of the newest point says little in a "latest per host" table; its tags speak.
      excludeByName: Object.fromEntries([...(o.showTime ? [] : ['Time']), ...(o.hide ?? [])].map((n) => [n, true])),
      indexByName: Object.fromEntries(names.map((n, i) => [n, i])),
      renameByName: o.columns,
    },
  };
  const p = apply(new TableBuilder(), { ...o, transformations: [...(o.transformations ?? []), organize] }, { w: 24, h: 8 })
    .cellHeight(common.TableCellHeight.Sm)
    .filterable(true);
  for (const [header, steps] of Object.entries(o.colour ?? {})) {
    const props: Array<{ id: string; value: object }> = [{ id: 'custom.cellOptions', value: { type: common.TableCellDisplayMode.ColorBackground } }];
    if (steps !== true && steps) props.push({ id: 'thresholds', value: thresholds(steps).build() });
    p.withOverride({ matcher: byNames(header), properties: props });
  }
  if (o.link) p.dataLinks([new DashboardLinkBuilder(o.link.title).type(DashboardLinkType.Link).url(o.link.url).targetBlank(o.link.targetBlank)]);
  if (o.sortBy) p.sortBy([new common.TableSortByFieldStateBuilder().displayName(o.sortBy.header).desc(o.sortBy.desc)]);
  return p;
}

/** A single number (or one per series/row) with its colour from thresholds or mappings. */
export function stat(o: PanelOptions & { allValues?: boolean; text?: boolean; colours?: Record<string, Colour> }): StatBuilder {
  const p = apply(new StatBuilder(), o, { w: 6, h: 5 })
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(o.allValues ?? false).fields(o.text ? '/.*/' : ''))
    .colorMode(common.BigValueColorMode.Background)
    .graphMode(common.BigValueGraphMode.None)
    .textMode(o.text ? common.BigValueTextMode.Value : common.BigValueTextMode.ValueAndName)
    .justifyMode(common.BigValueJustifyMode.Auto);
  colourByName(p, o.colours);
  return p;
}

export function pie(o: PanelOptions & { colours?: Record<string, Colour> }): PieChartBuilder {
  const p = apply(new PieChartBuilder(), o, { w: 8, h: 8 })
    .pieType(PieChartType.Donut)
    .displayLabels([PieChartLabels.Value])
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .legend(new PieChartLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Right).values([PieChartLegendValues.Value]));
  colourByName(p, o.colours);
  return p;
}

/** Fixed colours for named series or fields (verdicts keep their colour whatever their order). */
export const colourOverrides = (colours: Record<string, Colour>) =>
  Object.entries(colours).map(([name, colour]) => ({ matcher: byNames(name), properties: [{ id: 'color', value: { mode: 'fixed', fixedColor: colour } }] }));

function colourByName(p: { overrides(o: ReturnType<typeof colourOverrides>): unknown }, colours?: Record<string, Colour>): void {
  if (colours) p.overrides(colourOverrides(colours));
}

/** States over time (verdicts, check results) with their mapped colours. */
export function timeline(o: PanelOptions): StateTimelineBuilder {
  return apply(new StateTimelineBuilder(), o, { w: 24, h: 6 })
    .showValue(common.VisibilityMode.Auto)
    .mergeValues(true)
    .rowHeight(0.8)
    .fillOpacity(80)
    .legend(legend());
}

/** One bar per series or row, e.g. failures per check or pass rate per application. */
export function bars(o: PanelOptions & { allValues?: boolean }): BarGaugeBuilder {
  return apply(new BarGaugeBuilder(), o, { w: 12, h: 8 })
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(o.allValues ?? false))
    .displayMode(common.BarGaugeDisplayMode.Basic)
    .orientation(common.VizOrientation.Horizontal)
    .showUnfilled(true);
}

export function note(title: string, markdown: string, size: { w: number; h: number } = { w: 24, h: 3 }): TextBuilder {
  return new TextBuilder().title(title).mode(TextMode.Markdown).content(markdown).span(size.w).height(size.h);
}
