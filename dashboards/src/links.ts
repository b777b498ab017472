import { DashboardLinkBuilder, DashboardLinkType } from '@grafana/grafana-foundation-sdk/dashboard';

export const TAG = 'siaga';

/** Fixed uids, so links between the dashboards survive re-import. */
export const UID = {
  fleet: 'siaga-fleet',
  host: 'siaga-host',
  network: 'siaga-network',
  apps: 'siaga-apps',
  inventory: 'siaga-inventory',
  collector: 'siaga-collector',
} as const;

/** The menu of every siaga dashboard, keeping the time range and the chosen site/group/host. */
export const siagaDashboardsLink = (): DashboardLinkBuilder =>
  new DashboardLinkBuilder('siaga dashboards').type(DashboardLinkType.Dashboards).tags([TAG]).asDropdown(true).includeVars(true).keepTime(true).icon('external link').tooltip('');

export interface DataLink {
  title: string;
  url: string;
  targetBlank: boolean;
}

/** A table row of a host links to that host's detail dashboard, same time range. */
export const hostDetailLink = (): DataLink => ({
  title: 'Host detail: ${__data.fields.host}',
  url: `/d/${UID.host}?var-host=\${__data.fields.host}&\${__url_time_range}`,
  targetBlank: false,
});

