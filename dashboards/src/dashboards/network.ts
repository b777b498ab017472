import { type Dashboard, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { finish, frame } from '../frame.js';
import { as, eq, fn, latest, meanOf, overTime, percentOf, regex, select } from '../influxql.js';
import { hostDetailLink, UID } from '../links.js';
import { GOOD_FLAG, table, timeseries } from '../panels.js';
import { HOSTS } from '../scope.js';
import { influx, tableQuery } from '../target.js';
import { fleetVariables } from '../variables.js';

/** The default gateway, or the first hop a policy pins instead (`checks.gateway.address`). */
const GATEWAY = regex('target', '^(gateway|first-hop)$');
const HOST_COLUMNS = { host: 'Host', site: 'Site' };

const newestPerHost = (measurement: string, fields: [string, ...string[]], by: string[], where: string[] = []): string =>
  select(latest(measurement, fields, [...HOSTS, ...where], ['host', 'site', ...by]));

/** Availability (percent of `ok` = 1) and response time of one kind of application probe. */
function appRow(title: string, measurement: 'http_response' | 'net_response', extraColumns: Record<string, string>) {
  const row = new RowBuilder(title);
  const panels = [
    timeseries({ title: `${title}: availability by application`, targets: [influx(overTime(measurement, [percentOf('ok', 'available')], HOSTS, ['app']), { alias: '$tag_app' })], unit: 'percent', min: 0, max: 100, w: 8 }),
    timeseries({ title: `${title}: availability by site`, targets: [influx(overTime(measurement, [percentOf('ok', 'available')], HOSTS, ['site', 'app']), { alias: '$tag_site $tag_app' })], unit: 'percent', min: 0, max: 100, w: 8 }),
    timeseries({ title: `${title}: response time by application`, targets: [influx(overTime(measurement, [meanOf('response_time_ms')], HOSTS, ['app']), { alias: '$tag_app' })], unit: 'ms', w: 8 }),
    table({
      title: `${title}: now, by host`,
      targets: [tableQuery(newestPerHost(measurement, ['ok', 'response_time_ms', ...Object.keys(extraColumns), 'error'] as [string, ...string[]], ['app']))],
      columns: { ...HOST_COLUMNS, app: 'Application', ok: 'OK', response_time_ms: 'ms', ...extraColumns, error: 'Error' },
      colour: { OK: GOOD_FLAG },
      link: hostDetailLink(),
      sortBy: { header: 'OK', desc: false },
    }),
  ];
  return { row, panels };
}

export function networkDashboard(): Dashboard {
  const b = frame({
    uid: UID.network,
    title: 'siaga · Network path',
    description: 'The path from each workstation to what it needs: gateway, name resolution, applications.',
    variables: fleetVariables({ multi: true }),
  });

  b.withRow(new RowBuilder('Gateway'))
    .withPanel(timeseries({ title: 'Gateway latency by host', targets: [influx(overTime('ping', [meanOf('average_response_ms')], [GATEWAY, ...HOSTS], ['host']), { alias: '$tag_host' })], unit: 'ms', w: 6 }))
    .withPanel(timeseries({ title: 'Gateway loss by host', targets: [influx(overTime('ping', [meanOf('percent_packet_loss')], [GATEWAY, ...HOSTS], ['host']), { alias: '$tag_host' })], unit: 'percent', min: 0, max: 100, w: 6 }))
    .withPanel(timeseries({ title: 'Gateway latency by site', targets: [influx(overTime('ping', [meanOf('average_response_ms')], [GATEWAY, ...HOSTS], ['site']), { alias: '$tag_site' })], unit: 'ms', w: 6 }))
    .withPanel(timeseries({ title: 'Gateway loss by site', targets: [influx(overTime('ping', [meanOf('percent_packet_loss')], [GATEWAY, ...HOSTS], ['site']), { alias: '$tag_site' })], unit: 'percent', min: 0, max: 100, w: 6 }))
    .withPanel(
      table({
        title: 'Gateway now, by host',
        targets: [tableQuery(newestPerHost('ping', ['reachable', 'average_response_ms', 'percent_packet_loss', 'error'], ['target', 'url'], [GATEWAY]))],
        columns: { ...HOST_COLUMNS, url: 'Gateway', reachable: 'Reachable', average_response_ms: 'ms', percent_packet_loss: 'Loss %', error: 'Error' },
        hide: ['target'],
        colour: { Reachable: GOOD_FLAG, 'Loss %': ['green', [1, 'orange'], [20, 'red']] },
        link: hostDetailLink(),
        sortBy: { header: 'Reachable', desc: false },
      }),
    );

  b.withRow(new RowBuilder('Name resolution'))
    .withPanel(
      timeseries({
        title: 'DNS failures by domain',
        targets: [influx(overTime('dns_query', [as(fn('count', 'resolved'), 'failures')], [eq('resolved', 0), ...HOSTS], ['domain']), { alias: '$tag_domain' })],
        bars: true,
        decimals: 0,
        w: 8,
      }),
    )
    .withPanel(
      timeseries({
        title: 'DNS failures by site',
        targets: [influx(overTime('dns_query', [as(fn('count', 'resolved'), 'failures')], [eq('resolved', 0), ...HOSTS], ['site']), { alias: '$tag_site' })],
        bars: true,
        decimals: 0,
        w: 8,
      }),
    )
    .withPanel(timeseries({ title: 'DNS query time', targets: [influx(overTime('dns_query', [meanOf('query_time_ms')], HOSTS, ['domain', 'server']), { alias: '$tag_domain via $tag_server' })], unit: 'ms', w: 8 }))
    .withPanel(
      table({
        title: 'DNS now, by host',
        targets: [tableQuery(newestPerHost('dns_query', ['resolved', 'query_time_ms', 'answers', 'error'], ['domain', 'server', 'record_type']))],
        columns: { ...HOST_COLUMNS, domain: 'Name', server: 'Resolver', record_type: 'Type', resolved: 'Resolved', query_time_ms: 'ms', answers: 'Answers', error: 'Error' },
        colour: { Resolved: GOOD_FLAG },
        link: hostDetailLink(),
        sortBy: { header: 'Resolved', desc: false },
      }),
    );

  const http = appRow('HTTP applications', 'http_response', { http_response_code: 'Status', cert_days_left: 'Cert days' });
  b.withRow(http.row);
  http.panels.forEach((p) => b.withPanel(p));
  const tcp = appRow('TCP services', 'net_response', {});
  b.withRow(tcp.row);
  tcp.panels.forEach((p) => b.withPanel(p));

  b.withRow(new RowBuilder('Links and Wi-Fi'))
    .withPanel(
      table({
        title: 'Network links, by host',
        targets: [tableQuery(newestPerHost('link', ['up', 'speed_mbps', 'wireless', 'default_route', 'ipv4'], ['interface']))],
        columns: { ...HOST_COLUMNS, interface: 'Interface', up: 'Up', speed_mbps: 'Mbit/s', wireless: 'Wireless', default_route: 'Default route', ipv4: 'IPv4' },
        colour: { Up: GOOD_FLAG },
        link: hostDetailLink(),
        sortBy: { header: 'Default route', desc: true },
        w: 12,
      }),
    )
    .withPanel(
      timeseries({
        title: 'Wi-Fi signal by host',
        description: 'Hosts with a wireless interface only.',
        targets: [influx(overTime('wifi', [meanOf('signal_percent')], HOSTS, ['host', 'interface']), { alias: '$tag_host $tag_interface' })],
        unit: 'percent',
        min: 0,
        max: 100,
      }),
    )
    .withPanel(
      table({
        title: 'Wi-Fi now, by host',
        targets: [tableQuery(newestPerHost('wifi', ['connected', 'ssid', 'signal_percent', 'rssi_dbm', 'rx_rate_mbps', 'tx_rate_mbps', 'channel'], ['interface']))],
        columns: { ...HOST_COLUMNS, interface: 'Interface', connected: 'Connected', ssid: 'SSID', signal_percent: 'Signal %', rssi_dbm: 'dBm', rx_rate_mbps: 'Rx Mbit/s', tx_rate_mbps: 'Tx Mbit/s', channel: 'Channel' },
        colour: { Connected: GOOD_FLAG, 'Signal %': ['red', [30, 'orange'], [50, 'green']] },
        link: hostDetailLink(),
      }),
    );

  return finish(b);
}
