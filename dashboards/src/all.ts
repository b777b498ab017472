import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { appsDashboard } from './dashboards/apps.js';
import { collectorDashboard } from './dashboards/collector.js';
import { fleetDashboard } from './dashboards/fleet.js';
import { hostDashboard } from './dashboards/host.js';
import { inventoryDashboard } from './dashboards/inventory.js';
import { networkDashboard } from './dashboards/network.js';

/** Every siaga dashboard; each is written to dist/<uid>.json. */
export function allDashboards(): Dashboard[] {
  return [fleetDashboard(), hostDashboard(), networkDashboard(), appsDashboard(), inventoryDashboard(), collectorDashboard()];
}
