import { QueryVariableBuilder, VariableRefresh, VariableSort } from '@grafana/grafana-foundation-sdk/dashboard';
import { DATASOURCE } from './datasource.js';
import { matchVar, tagValues } from './influxql.js';

/** Every host writes a verdict at least every 60 s, so its tags list every host there is. */
const HOSTS_MEASUREMENT = 'siaga_readiness';
/** Grafana's "All" becomes this regex; a host without the tag has the empty value, which it matches. */
export const ALL = '.*';

function tagVariable(name: string, label: string, query: string, options: { multi: boolean }): QueryVariableBuilder {
  const v = new QueryVariableBuilder(name)
    .label(label)
    .datasource(DATASOURCE)
    .query(query)
    .definition(query)
    .refresh(VariableRefresh.OnDashboardLoad)
    .sort(VariableSort.AlphabeticalCaseInsensitiveAsc)
    .multi(options.multi);
  if (options.multi) v.includeAll(true).allValue(ALL).current({ text: 'All', value: '$__all' });
  return v;
}

export const siteVariable = (): QueryVariableBuilder => tagVariable('site', 'Site', tagValues(HOSTS_MEASUREMENT, 'site'), { multi: true });

export const groupVariable = (): QueryVariableBuilder =>
  tagVariable('group', 'Group', tagValues(HOSTS_MEASUREMENT, 'group', [matchVar('site')]), { multi: true });

/** Hosts of the chosen sites and groups; one host on the host detail, any number elsewhere. */
export const hostVariable = (options: { multi: boolean }): QueryVariableBuilder =>
  tagVariable('host', 'Host', tagValues(HOSTS_MEASUREMENT, 'host', [matchVar('site'), matchVar('group')]), options);

/** Site, group and host, each narrowed by the one before. */
export const fleetVariables = (host: { multi: boolean } | false): QueryVariableBuilder[] =>
  host ? [siteVariable(), groupVariable(), hostVariable(host)] : [siteVariable(), groupVariable()];

export const collectorVariable = (): QueryVariableBuilder => tagVariable('collector', 'Collector', tagValues('siaga_collector', 'collector'), { multi: true });

export const softwareVariable = (): QueryVariableBuilder =>
  tagVariable('software', 'Software', tagValues('siaga_software', 'name', [matchVar('site'), matchVar('group')]), { multi: true });
