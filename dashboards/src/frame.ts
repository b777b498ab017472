import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { type Dashboard, DashboardBuilder, DashboardCursorSync, type Panel, type RowPanel, type VariableModel } from '@grafana/grafana-foundation-sdk/dashboard';
import { siagaDashboardsLink, TAG } from './links.js';

export interface FrameOptions {
  uid: string;
  title: string;
  description: string;
  variables: cog.Builder<VariableModel>[];
  /** Default time range, `now-6h` unless the data is sparse (inventory). */
  from?: string;
  refresh?: string;
}

/** What every siaga dashboard shares: tag, menu of the others, crosshair, refresh. */
export function frame(o: FrameOptions): DashboardBuilder {
  return new DashboardBuilder(o.title)
    .uid(o.uid)
    .description(o.description)
    .tags([TAG])
    .editable()
    .timezone('browser')
    .tooltip(DashboardCursorSync.Crosshair)
    .time({ from: o.from ?? 'now-6h', to: 'now' })
    .refresh(o.refresh ?? '1m')
    .variables(o.variables)
    .link(siagaDashboardsLink());
}

/**
 * The finishing touches Grafana would otherwise make on first save: a unique id per panel, refIds
 * A, B, C… per panel, the built-in annotations, and links shown where they are (not in a menu).
 */
export function finish(builder: DashboardBuilder): Dashboard {
  const d = builder.build();
  let id = 0;
  const visit = (p: Panel | RowPanel) => {
    p.id = ++id;
    if (p.type === 'row') (p as RowPanel).panels.forEach(visit);
    for (const link of (p as Panel).fieldConfig?.defaults.links ?? []) delete link.placement;
    const targets = (p as Panel).targets as Array<{ refId?: string }> | undefined;
    targets?.forEach((t, i) => (t.refId = String.fromCharCode(65 + i)));
  };
  (d.panels ?? []).forEach(visit);
  for (const link of d.links ?? []) delete link.placement;
  d.annotations = {
    list: [
      {
        builtIn: 1,
        datasource: { type: 'grafana', uid: '-- Grafana --' },
        enable: true,
        hide: true,
        iconColor: 'rgba(0, 211, 255, 1)',
        name: 'Annotations & Alerts',
        type: 'dashboard',
      },
    ],
  };
  // A plain object: the builders' class instances would otherwise leak into the JSON.
  return JSON.parse(JSON.stringify(d)) as Dashboard;
}
