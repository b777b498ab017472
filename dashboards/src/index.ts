export { allDashboards } from './all.js';
export { DATASOURCE, DATASOURCE_UID } from './datasource.js';
export { UID as DASHBOARD_UIDS } from './links.js';
export { measurementsOf, panelQueries, type PanelQuery, type SubstituteOptions, type VariableQuery, type VariableValues, variableQueries } from './panel-queries.js';
export { REAL_HOST_MEASUREMENTS } from './real-host.js';
