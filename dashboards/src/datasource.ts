import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';

/** The provisioned InfluxDB data source (dashboards/provisioning/datasources/siaga.yaml). */
export const DATASOURCE_UID = 'siaga-influxdb';
export const DATASOURCE: DataSourceRef = { type: 'influxdb', uid: DATASOURCE_UID };
