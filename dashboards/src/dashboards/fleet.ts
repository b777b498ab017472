import { type Dashboard, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { finish, frame } from '../frame.js';
import { as, cmp, eq, fn, ident, INTERVAL, latest, select, type SelectSpec, TIME_FILTER } from '../influxql.js';
import { hostDetailLink, UID } from '../links.js';
import { bars, colourOverrides, EXPECTED_MAPPINGS, note, pie, stat, table, timeline, timeseries, VERDICT_COLOURS, VERDICT_MAPPINGS } from '../panels.js';
import { FLEET } from '../scope.js';
import { influx, tableQuery } from '../target.js';
import { fleetVariables } from '../variables.js';

const HOST_TAGS = ['host', 'host_id', 'site', 'group'] as const;

/** The newest verdict of every host in scope, with the fields a table needs. */
const latestVerdict = (fields: string[]): SelectSpec => latest('siaga_readiness', ['verdict_code', ...fields], FLEET, HOST_TAGS);

/** Hosts whose newest verdict has this code, one row each. */
const hostsWithVerdict = (code: number, fields: string[], extra: string[] = []): string =>
  select({ select: fields.map(ident), from: latestVerdict(fields), where: [eq('verdict_code', code), ...extra], by: HOST_TAGS });

/**
 * Hosts per interval whose last verdict in it matches. Verdicts are written on change and every
 * 60 s, so an interval of 2 min or more sees every host (the panels set that lower bound).
 */
const hostsOverTime = (where: string[], by: string[] = []): string =>
  select({
    select: [as(fn('count', 'verdict_code'), 'hosts')],
    from: { select: [as(fn('last', 'verdict_code'), 'verdict_code')], from: 'siaga_readiness', where: [TIME_FILTER, ...FLEET], every: INTERVAL, by: ['host_id', ...by] },
    where: [TIME_FILTER, ...where],
    every: INTERVAL,
    by,
    fill: '0',
  });

/** One row per verdict with its host count, turned into one field per verdict for stat and pie. */
const countByVerdict = [
  { id: 'groupBy', options: { fields: { verdict: { aggregations: [], operation: 'groupby' }, verdict_code: { aggregations: ['count'], operation: 'aggregate' } } } },
  { id: 'rowsToFields', options: {} },
];

const HOST_COLUMNS = { host: 'Host', site: 'Site', group: 'Group' };

export function fleetDashboard(): Dashboard {
  const byVerdict = tableQuery(select(latest('siaga_readiness', ['verdict_code', 'verdict'], FLEET, ['host_id'])));
  const b = frame({
    uid: UID.fleet,
    title: 'siaga · Fleet readiness',
    description: 'Is every workstation ready for use right now, and if not, why?',
    variables: fleetVariables(false),
  });

  b.withRow(new RowBuilder('Now'))
    .withPanel(
      stat({
        title: 'Hosts by verdict',
        description: 'Newest verdict of each host in the time range.',
        targets: [byVerdict],
        transformations: countByVerdict,
        colours: VERDICT_COLOURS,
        w: 16,
        h: 6,
      }),
    )
    .withPanel(pie({ title: 'Share by verdict', targets: [byVerdict], transformations: countByVerdict, colours: VERDICT_COLOURS, h: 6 }))
    .withPanel(
      table({
        title: 'Not ready',
        description: 'Hosts whose newest verdict is not_ready, with the reasons the collector gave. Click a host for its detail.',
        targets: [tableQuery(hostsWithVerdict(2, ['reasons', 'failing_checks']))],
        columns: { ...HOST_COLUMNS, reasons: 'Reasons', failing_checks: 'Failing checks' },
        hide: ['host_id'],
        link: hostDetailLink(),
        sortBy: { header: 'Failing checks', desc: true },
        h: 9,
      }),
    )
    .withPanel(
      table({
        title: 'Offline',
        description:
          'Hosts whose newest verdict is offline. "signed off" hosts said goodbye (shutdown, sleep) and are expected to be away; "unexpected" ones went silent. Whether an offline host pages depends on its site\'s business hours (the collector decides).',
        targets: [tableQuery(hostsWithVerdict(3, ['reasons', 'expected']))],
        columns: { ...HOST_COLUMNS, reasons: 'Reason', expected: 'Expected' },
        hide: ['host_id'],
        mappings: EXPECTED_MAPPINGS,
        colour: { Expected: true },
        link: hostDetailLink(),
        sortBy: { header: 'Expected', desc: false },
        h: 8,
      }),
    );

  b.withRow(new RowBuilder('Over time'))
    .withPanel(
      timeseries({
        title: 'Hosts by verdict',
        targets: [
          influx(hostsOverTime([eq('verdict_code', 0)]), { alias: 'ready' }),
          influx(hostsOverTime([eq('verdict_code', 1)]), { alias: 'degraded' }),
          influx(hostsOverTime([eq('verdict_code', 2)]), { alias: 'not_ready' }),
          influx(hostsOverTime([eq('verdict_code', 3)]), { alias: 'offline' }),
        ],
        stack: true,
        interval: '2m',
        decimals: 0,
        w: 24,
      }).overrides(colourOverrides(VERDICT_COLOURS)),
    )
    .withPanel(timeseries({ title: 'Ready hosts by site', targets: [influx(hostsOverTime([eq('verdict_code', 0)], ['site']), { alias: '$tag_site' })], interval: '2m', decimals: 0 }))
    .withPanel(
      timeseries({
        title: 'Not ready or offline hosts by site',
        targets: [influx(hostsOverTime([cmp('verdict_code', '>=', 2), cmp('verdict_code', '<=', 3)], ['site']), { alias: '$tag_site' })],
        interval: '2m',
        decimals: 0,
      }),
    );

  b.withRow(new RowBuilder('Checks'))
    .withPanel(
      bars({
        title: 'Top failing checks',
        description: 'Failing check results stored in the time range, by check: a failing host counts when it starts failing and every 5 minutes (influx.statusHeartbeat) while it keeps failing.',
        targets: [tableQuery(select({ select: [as(fn('count', 'status_code'), 'failures')], from: 'siaga_check', where: [TIME_FILTER, eq('status_code', 2), ...FLEET], by: ['check'] }))],
        transformations: [{ id: 'sortBy', options: { sort: [{ field: 'failures', desc: true }] } }],
        allValues: true,
        thresholds: ['red'],
      }),
    )
    .withPanel(
      bars({
        title: 'Failing now, by check',
        description: 'Hosts (and instances: mounts, applications…) whose newest result of the check is a failure.',
        targets: [
          tableQuery(
            select({
              select: [as(fn('count', 'status_code'), 'failing')],
              from: latest('siaga_check', ['status_code'], FLEET, ['host_id', 'check', 'instance']),
              where: [eq('status_code', 2)],
              by: ['check'],
            }),
          ),
        ],
        transformations: [{ id: 'sortBy', options: { sort: [{ field: 'failing', desc: true }] } }],
        allValues: true,
        thresholds: ['red'],
      }),
    )
    .withPanel(
      table({
        title: 'Failing checks now',
        targets: [
          tableQuery(
            select({
              select: [ident('reason'), ident('value')],
              from: latest('siaga_check', ['status_code', 'reason', 'value'], FLEET, ['host', 'host_id', 'site', 'group', 'check', 'instance']),
              where: [eq('status_code', 2)],
              by: ['host', 'host_id', 'site', 'group', 'check', 'instance'],
            }),
          ),
        ],
        columns: { ...HOST_COLUMNS, check: 'Check', instance: 'Instance', reason: 'Reason', value: 'Observed' },
        hide: ['host_id'],
        link: hostDetailLink(),
        h: 9,
      }),
    )
    .withPanel(
      timeline({
        title: 'Verdicts by host',
        description: 'Every host in scope over time; best for a site or group rather than the whole fleet.',
        targets: [influx(select({ select: [as(fn('last', 'verdict_code'), 'verdict')], from: 'siaga_readiness', where: [TIME_FILTER, ...FLEET], every: INTERVAL, by: ['host'], fill: 'previous' }), { alias: '$tag_host' })],
        mappings: VERDICT_MAPPINGS,
        interval: '1m',
        h: 10,
      }),
    )
    .withPanel(note('Status codes', `Verdict codes: 0 ready · 1 degraded · 2 not ready · 3 offline · 4 unknown. Check status: ${['pass', 'warn', 'fail'].map((s, i) => `${i} ${s}`).join(' · ')}.`, { w: 24, h: 2 }));

  return finish(b);
}
