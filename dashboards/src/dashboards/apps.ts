import { type Dashboard, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { finish, frame } from '../frame.js';
import { as, fn, ident, latest, overTime, percentOf, select, TIME_FILTER } from '../influxql.js';
import { hostDetailLink, UID } from '../links.js';
import { bars, GOOD_FLAG, type PanelOptions, table, timeseries } from '../panels.js';
import { HOSTS } from '../scope.js';
import { influx, tableQuery } from '../target.js';
import { fleetVariables } from '../variables.js';

const HOST_COLUMNS = { host: 'Host', site: 'Site' };
const MIB = 1024 ** 2;
/** A daily backup is late after a day and a bit; three days without one is a problem. */
const BACKUP_AGE: NonNullable<PanelOptions['thresholds']> = ['green', [26, 'orange'], [72, 'red']];

/** Percent of results in the time range where the 1/0 field was 1, one bar per configured item. */
const passRate = (title: string, measurement: string, field: string, tag: string) =>
  bars({
    title,
    targets: [influx(select({ select: [percentOf(field, 'pass')], from: measurement, where: [TIME_FILTER, ...HOSTS], by: [tag] }), { alias: `$tag_${tag}` })],
    unit: 'percent',
    min: 0,
    max: 100,
    thresholds: ['red', [95, 'orange'], [99.5, 'green']],
    w: 6,
  });

export function appsDashboard(): Dashboard {
  const b = frame({
    uid: UID.apps,
    title: 'siaga · Applications and data safety',
    description: 'Do the programs, services and applications people need run and answer, and are their data backed up?',
    variables: fleetVariables({ multi: true }),
  });

  b.withRow(new RowBuilder('Pass rate in the time range'))
    .withPanel(passRate('Required programs running', 'procstat', 'running', 'process'))
    .withPanel(passRate('Services running', 'service', 'running', 'service'))
    .withPanel(passRate('HTTP applications answering', 'http_response', 'ok', 'app'))
    .withPanel(passRate('TCP services accepting', 'net_response', 'ok', 'app'));

  b.withRow(new RowBuilder('Programs and services'))
    .withPanel(timeseries({ title: 'Programs running by site', targets: [influx(overTime('procstat', [percentOf('running')], HOSTS, ['site', 'process']), { alias: '$tag_site $tag_process' })], unit: 'percent', min: 0, max: 100 }))
    .withPanel(timeseries({ title: 'Services running by site', targets: [influx(overTime('service', [percentOf('running')], HOSTS, ['site', 'service']), { alias: '$tag_site $tag_service' })], unit: 'percent', min: 0, max: 100 }))
    .withPanel(
      table({
        title: 'Programs now, by host',
        targets: [
          tableQuery(
            select({
              select: [as(fn('last', 'running'), 'running'), ident('count'), ident('cpu_percent'), as(`${ident('memory_rss')} / ${MIB}`, 'memory_mib')],
              from: 'procstat',
              where: [TIME_FILTER, ...HOSTS],
              by: ['host', 'site', 'process'],
            }),
          ),
        ],
        columns: { ...HOST_COLUMNS, process: 'Program', running: 'Running', count: 'Instances', cpu_percent: 'CPU % of a core', memory_mib: 'Memory MiB' },
        decimals: 1,
        colour: { Running: GOOD_FLAG },
        link: hostDetailLink(),
        sortBy: { header: 'Running', desc: false },
        w: 12,
      }),
    )
    .withPanel(
      table({
        title: 'Services now, by host',
        targets: [tableQuery(select(latest('service', ['running', 'enabled', 'state', 'error'], HOSTS, ['host', 'site', 'service'])))],
        columns: { ...HOST_COLUMNS, service: 'Service', running: 'Running', enabled: 'Starts at boot', state: 'State', error: 'Error' },
        colour: { Running: GOOD_FLAG },
        link: hostDetailLink(),
        sortBy: { header: 'Running', desc: false },
        w: 12,
      }),
    );

  b.withRow(new RowBuilder('Backups'))
    .withPanel(
      bars({
        title: 'Backup age by host',
        description: 'Hours since the newest backup file (or marker) the agent found. Orange after 26 h, red after 72 h.',
        targets: [influx(select({ select: [as(fn('last', 'age_hours'), 'age')], from: 'backup', where: [TIME_FILTER, ...HOSTS], by: ['host', 'backup'] }), { alias: '$tag_host $tag_backup' })],
        unit: 'h',
        thresholds: BACKUP_AGE,
      }),
    )
    .withPanel(timeseries({ title: 'Backup age over time', targets: [influx(overTime('backup', [as(fn('max', 'age_hours'), 'age')], HOSTS, ['host', 'backup']), { alias: '$tag_host $tag_backup' })], unit: 'h' }))
    .withPanel(
      table({
        title: 'Backups now, by host',
        targets: [tableQuery(select(latest('backup', ['age_hours', 'found', 'files'], HOSTS, ['host', 'site', 'backup'])))],
        columns: { ...HOST_COLUMNS, backup: 'Backup', found: 'Found', age_hours: 'Age h', files: 'Files' },
        decimals: 1,
        colour: { Found: GOOD_FLAG, 'Age h': BACKUP_AGE },
        link: hostDetailLink(),
        sortBy: { header: 'Age h', desc: true },
      }),
    );

  return finish(b);
}
