import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { fleetDashboard } from './dashboards/fleet.js';
import { hostDashboard } from './dashboards/host.js';

/** Every siaga dashboard, by uid (also its file name in dist/). */
export function allDashboards(): Dashboard[] {
  return [fleetDashboard(), hostDashboard()];
}
