import { type Dashboard, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { finish, frame } from '../frame.js';
import { as, eq, fn, ident, increase, INTERVAL, latest, rate, select, TIME_FILTER } from '../influxql.js';
import { UID } from '../links.js';
import { BAD_COUNT, BAD_FLAG, BAD_FLAG_MAPPINGS, GOOD_FLAG, stat, STATUS_MAPPINGS, STATUS_TEXT_MAPPINGS, table, timeline, timeseries, VERDICT_MAPPINGS, VERDICT_TEXT_MAPPINGS } from '../panels.js';
import { ONE_HOST } from '../scope.js';
import { influx, tableQuery } from '../target.js';
import { fleetVariables } from '../variables.js';

const WHERE = [TIME_FILTER, ...ONE_HOST];
const GIB = 1024 ** 3;

/** `mean` of each field per interval, one series per tag combination. */
const means = (measurement: string, fields: string[], by: string[] = [], extra: string[] = []): string =>
  select({ select: fields.map((f) => as(fn('mean', f), f)), from: measurement, where: [...WHERE, ...extra], every: INTERVAL, by, fill: 'null' });

const newest = (measurement: string, fields: [string, ...string[]], by: string[]): string => select(latest(measurement, fields, ONE_HOST, by));

const last = (measurement: string, field: string, alias = field): string => select({ select: [as(fn('last', field), alias)], from: measurement, where: WHERE });

export function hostDashboard(): Dashboard {
  const b = frame({
    uid: UID.host,
    title: 'siaga · Host detail',
    description: 'One workstation: its verdict and why, check results, hardware, network counters and the agent itself.',
    variables: fleetVariables({ multi: false }),
  });

  b.withRow(new RowBuilder('Readiness'))
    .withPanel(stat({ title: 'Verdict', targets: [influx(last('siaga_readiness', 'verdict_code', 'verdict'))], mappings: VERDICT_MAPPINGS, w: 4 }))
    .withPanel(stat({ title: 'Reasons', targets: [influx(last('siaga_readiness', 'reasons'))], text: true, w: 14 }))
    .withPanel(
      stat({
        title: 'Failing / warning checks',
        targets: [influx(select({ select: [as(fn('last', 'failing_checks'), 'failing'), as(fn('last', 'warning_checks'), 'warning')], from: 'siaga_readiness', where: WHERE }))],
        thresholds: ['green', [1, 'red']],
        w: 6,
      }),
    )
    .withPanel(timeline({ title: 'Verdict', targets: [influx(select({ select: [as(ident('verdict_code'), 'verdict')], from: 'siaga_readiness', where: WHERE }))], mappings: VERDICT_MAPPINGS, h: 4 }))
    .withPanel(
      table({
        title: 'Verdict history',
        description: 'Written on every change and every 60 s; newest first.',
        targets: [tableQuery(select({ select: ['verdict', 'reasons', 'failing_checks', 'warning_checks'].map(ident), from: 'siaga_readiness', where: WHERE, newestFirst: true, limit: 500 }))],
        showTime: true,
        columns: { verdict: 'Verdict', reasons: 'Reasons', failing_checks: 'Failing', warning_checks: 'Warning' },
        mappings: VERDICT_TEXT_MAPPINGS,
        colour: { Verdict: true },
      }),
    )
    .withPanel(
      timeline({
        title: 'Check results',
        targets: [influx(select({ select: [as(fn('last', 'status_code'), 'status')], from: 'siaga_check', where: WHERE, every: INTERVAL, by: ['check', 'instance'], fill: 'previous' }), { alias: '$tag_check $tag_instance' })],
        mappings: STATUS_MAPPINGS,
        h: 10,
      }),
    )
    .withPanel(
      table({
        title: 'Latest check results',
        targets: [tableQuery(newest('siaga_check', ['status_code', 'status', 'reason', 'value'], ['check', 'instance']))],
        transformations: [{ id: 'sortBy', options: { sort: [{ field: 'status_code', desc: true }] } }],
        columns: { check: 'Check', instance: 'Instance', status: 'Status', reason: 'Reason', value: 'Observed' },
        hide: ['status_code'],
        mappings: STATUS_TEXT_MAPPINGS,
        colour: { Status: true },
      }),
    );

  b.withRow(new RowBuilder('CPU and memory'))
    .withPanel(timeseries({ title: 'CPU', targets: [influx(means('cpu', ['usage_active', 'usage_user', 'usage_system'], [], [eq('cpu', 'cpu-total')]), { alias: '$col' })], unit: 'percent', min: 0, max: 100, w: 8 }))
    .withPanel(timeseries({ title: 'Load', targets: [influx(means('system', ['load1', 'load5', 'load15']), { alias: '$col' })], w: 8 }))
    .withPanel(timeseries({ title: 'Memory and swap used', targets: [influx(means('mem', ['used_percent']), { alias: 'memory' }), influx(means('swap', ['used_percent']), { alias: 'swap' })], unit: 'percent', min: 0, max: 100, w: 8 }))
    .withPanel(stat({ title: 'Uptime', targets: [influx(last('system', 'uptime'))], unit: 's', thresholds: ['text'], w: 6, h: 4 }))
    .withPanel(stat({ title: 'Reboot pending', targets: [influx(last('system', 'pending_reboot'))], mappings: BAD_FLAG_MAPPINGS, w: 6, h: 4 }))
    .withPanel(stat({ title: 'Memory available', targets: [influx(last('mem', 'available'))], unit: 'bytes', thresholds: ['text'], w: 6, h: 4 }))
    .withPanel(stat({ title: 'Memory total', targets: [influx(last('mem', 'total'))], unit: 'bytes', thresholds: ['text'], w: 6, h: 4 }));

  b.withRow(new RowBuilder('Disks'))
    .withPanel(timeseries({ title: 'Free space by path', targets: [influx(means('disk', ['free_percent'], ['path']), { alias: '$tag_path' })], unit: 'percent', min: 0, max: 100 }))
    .withPanel(
      table({
        title: 'Volumes',
        targets: [
          tableQuery(
            select({
              select: [as(fn('last', 'free_percent'), 'free_percent'), as(`${ident('free')} / ${GIB}`, 'free_gib'), as(`${ident('total')} / ${GIB}`, 'total_gib'), ident('read_only')],
              from: 'disk',
              where: WHERE,
              by: ['path', 'fstype', 'mode'],
            }),
          ),
        ],
        columns: { path: 'Path', free_percent: 'Free %', free_gib: 'Free GiB', total_gib: 'Size GiB', read_only: 'Read-only', fstype: 'Type' },
        hide: ['mode'],
        decimals: 1,
        colour: { 'Free %': ['red', [10, 'orange'], [20, 'green']], 'Read-only': BAD_FLAG },
        w: 12,
      }),
    )
    .withPanel(
      table({
        title: 'Disk health (SMART)',
        description: 'Read at most every 5 min; needs smartctl (or the OS status) and a physical disk. Healthy = 1 when the drive passes and has no reallocated or pending sectors, media errors or critical warning.',
        targets: [tableQuery(newest('smart_device', ['health_ok', 'smart_passed', 'reallocated_sectors', 'pending_sectors', 'media_errors', 'percentage_used', 'temp_c', 'power_on_hours', 'problems'], ['device', 'model']))],
        columns: {
          device: 'Device',
          model: 'Model',
          health_ok: 'Healthy',
          smart_passed: 'Drive passes',
          reallocated_sectors: 'Reallocated',
          pending_sectors: 'Pending',
          media_errors: 'Media errors',
          percentage_used: 'Wear %',
          temp_c: '°C',
          power_on_hours: 'Power-on h',
          problems: 'Problems',
        },
        colour: { Healthy: GOOD_FLAG, 'Drive passes': GOOD_FLAG, Reallocated: BAD_COUNT, Pending: BAD_COUNT, 'Media errors': BAD_COUNT },
      }),
    );

  b.withRow(new RowBuilder('Network interfaces'))
    .withPanel(
      timeseries({
        title: 'Traffic by interface',
        targets: [
          influx(select({ select: [as(rate('bytes_recv'), 'in')], from: 'net', where: WHERE, every: INTERVAL, by: ['interface'], fill: 'null' }), { alias: '$tag_interface in' }),
          influx(select({ select: [as(rate('bytes_sent'), 'out')], from: 'net', where: WHERE, every: INTERVAL, by: ['interface'], fill: 'null' }), { alias: '$tag_interface out' }),
        ],
        unit: 'Bps',
      }),
    )
    .withPanel(
      timeseries({
        title: 'Errors and drops by interface',
        targets: [
          influx(select({ select: ['err_in', 'err_out', 'drop_in', 'drop_out'].map((f) => as(increase(f), f)), from: 'net', where: WHERE, every: INTERVAL, by: ['interface'], fill: 'null' }), { alias: '$tag_interface $col' }),
        ],
        bars: true,
      }),
    )
    .withPanel(
      table({
        title: 'Links',
        targets: [tableQuery(newest('link', ['up', 'speed_mbps', 'wireless', 'default_route', 'ipv4'], ['interface']))],
        columns: { interface: 'Interface', up: 'Up', speed_mbps: 'Mbit/s', wireless: 'Wireless', default_route: 'Default route', ipv4: 'IPv4' },
        colour: { Up: GOOD_FLAG },
        h: 6,
      }),
    );

  b.withRow(new RowBuilder('Power and temperature'))
    .withPanel(timeseries({ title: 'Battery', description: 'Charge and health (full ÷ design capacity). Laptops only.', targets: [influx(means('battery', ['percent', 'health_percent']), { alias: '$col' })], unit: 'percent', min: 0, max: 100, w: 8 }))
    .withPanel(
      table({
        title: 'Battery now',
        targets: [tableQuery(newest('battery', ['percent', 'plugged', 'charging', 'health_percent', 'cycle_count', 'time_remaining_min'], []))],
        columns: { percent: 'Charge %', plugged: 'Plugged in', charging: 'Charging', health_percent: 'Health %', cycle_count: 'Cycles', time_remaining_min: 'Minutes left' },
        colour: { 'Health %': ['red', [50, 'orange'], [80, 'green']] },
        w: 8,
      }),
    )
    .withPanel(timeseries({ title: 'Temperature', targets: [influx(means('temp', ['temp'], ['sensor']), { alias: '$tag_sensor' })], unit: 'celsius', w: 8 }));

  b.withRow(new RowBuilder('Agent'))
    .withPanel(timeseries({ title: 'Probe duration', targets: [influx(means('siaga_agent', ['duration_ms'], ['probe']), { alias: '$tag_probe' })], unit: 'ms', w: 8 }))
    .withPanel(
      timeseries({
        title: 'Probe failure rate',
        targets: [influx(select({ select: [as('100 * (1 - mean("success"))', 'failed')], from: 'siaga_agent', where: WHERE, every: INTERVAL, by: ['probe'], fill: 'null' }), { alias: '$tag_probe' })],
        unit: 'percent',
        min: 0,
        max: 100,
        w: 8,
      }),
    )
    .withPanel(
      timeseries({
        title: 'Spool',
        description: 'Reports waiting for the collector, and reports dropped because the spool was full.',
        targets: [influx(select({ select: [as(fn('max', 'queued'), 'queued'), as(fn('max', 'dropped'), 'dropped')], from: 'siaga_agent_spool', where: WHERE, every: INTERVAL, fill: 'null' }), { alias: '$col' })],
        w: 8,
      }),
    )
    .withPanel(
      table({
        title: 'Probes',
        targets: [tableQuery(newest('siaga_agent', ['success', 'duration_ms', 'error'], ['probe']))],
        columns: { probe: 'Probe', success: 'OK', duration_ms: 'Duration ms', error: 'Error' },
        colour: { OK: GOOD_FLAG },
        sortBy: { header: 'OK', desc: false },
      }),
    );

  return finish(b);
}
