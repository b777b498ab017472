import { type Dashboard, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { finish, frame } from '../frame.js';
import { as, fn, increase, INTERVAL, matchVar, overTime, rate, select, TIME_FILTER } from '../influxql.js';
import { UID } from '../links.js';
import { stat, timeseries } from '../panels.js';
import { FLEET } from '../scope.js';
import { influx } from '../target.js';
import { collectorVariable, groupVariable, siteVariable } from '../variables.js';

/** The collector's own points carry its instance name, not host tags. */
const COLLECTOR = [matchVar('collector')];

const perCollector = (exprs: string[]): string => overTime('siaga_collector', exprs, COLLECTOR, ['collector']);
/** How much a counter grew in the time range, across collector restarts (which reset it). */
const grewBy = (field: string, alias: string): string =>
  select({ select: [as(fn('sum', alias), alias)], from: { select: [as(increase(field), alias)], from: 'siaga_collector', where: [TIME_FILTER, ...COLLECTOR], every: INTERVAL, by: ['collector'] }, by: ['collector'] });
const newest = (field: string, alias: string): string => select({ select: [as(fn('last', field), alias)], from: 'siaga_collector', where: [TIME_FILTER, ...COLLECTOR], by: ['collector'] });

export function collectorDashboard(): Dashboard {
  const b = frame({
    uid: UID.collector,
    title: 'siaga · siaga itself',
    description: 'The collector (connections, ingest, InfluxDB writes, webhooks, alerts) and the agents (probes, spools).',
    variables: [collectorVariable(), siteVariable(), groupVariable()],
  });

  b.withRow(new RowBuilder('Collector'))
    .withPanel(stat({ title: 'Agents connected', targets: [influx(newest('agents_connected', 'agents'), { alias: '$tag_collector' })], thresholds: ['text'] }))
    .withPanel(stat({ title: 'Alerts firing', targets: [influx(newest('alerts_firing', 'alerts'), { alias: '$tag_collector' })], thresholds: ['green', [1, 'red']] }))
    .withPanel(stat({ title: 'InfluxDB write errors (range)', targets: [influx(grewBy('influx_write_errors', 'errors'), { alias: '$tag_collector' })], thresholds: ['green', [1, 'red']] }))
    .withPanel(stat({ title: 'Webhooks failed (range)', targets: [influx(grewBy('webhook_failed', 'failed'), { alias: '$tag_collector' })], thresholds: ['green', [1, 'red']] }))
    .withPanel(timeseries({ title: 'Agents connected', targets: [influx(perCollector([as(fn('max', 'agents_connected'), 'agents')]), { alias: '$tag_collector' })], decimals: 0, w: 8 }))
    .withPanel(
      timeseries({
        title: 'Reports per second',
        targets: [influx(perCollector([as(rate('reports_received'), 'received'), as(rate('reports_duplicate'), 'duplicate'), as(rate('frames_invalid'), 'invalid frames')]), { alias: '$tag_collector $col' })],
        unit: 'reqps',
        w: 8,
      }),
    )
    .withPanel(timeseries({ title: 'Points written per second', targets: [influx(perCollector([as(rate('points_written'), 'points')]), { alias: '$tag_collector' })], unit: 'short', w: 8 }))
    .withPanel(
      timeseries({
        title: 'InfluxDB write errors and spilled points',
        description: 'Per interval. Spilled points wait on disk until InfluxDB is back; "acked from spill" were only slow to confirm (InfluxDB snapshotting or compacting).',
        targets: [
          influx(perCollector([as(increase('influx_write_errors'), 'write errors'), as(increase('influx_spilled'), 'spilled'), as(increase('influx_spilled_slow'), 'acked from spill')]), {
            alias: '$tag_collector $col',
          }),
        ],
        bars: true,
        w: 8,
      }),
    )
    .withPanel(
      timeseries({
        title: 'Webhooks',
        description: 'Notifications delivered and failed attempts, per interval.',
        targets: [influx(perCollector([as(increase('webhook_sent'), 'sent'), as(increase('webhook_failed'), 'failed')]), { alias: '$tag_collector $col' })],
        bars: true,
        w: 8,
      }),
    )
    .withPanel(timeseries({ title: 'Alerts firing', targets: [influx(perCollector([as(fn('max', 'alerts_firing'), 'alerts')]), { alias: '$tag_collector' })], decimals: 0, w: 8 }))
    .withPanel(
      timeseries({
        title: 'Event-loop delay',
        description: 'How late the collector ran its work. Acks wait behind it: high here while InfluxDB writes are fast means the collector itself is the limit (docs/scaling.md).',
        targets: [influx(perCollector([as(fn('max', 'event_loop_delay_max_ms'), 'max'), as(fn('max', 'event_loop_delay_p99_ms'), 'p99')]), { alias: '$tag_collector $col' })],
        unit: 'ms',
        w: 8,
      }),
    );

  b.withRow(new RowBuilder('Agents'))
    .withPanel(
      timeseries({
        title: 'Probe failure rate (fleet)',
        targets: [influx(overTime('siaga_agent', [as('100 * (1 - mean("success"))', 'failed')], FLEET, ['probe']), { alias: '$tag_probe' })],
        unit: 'percent',
        min: 0,
        max: 100,
        w: 8,
      }),
    )
    .withPanel(timeseries({ title: 'Probe duration (fleet mean)', targets: [influx(overTime('siaga_agent', [as(fn('mean', 'duration_ms'), 'ms')], FLEET, ['probe']), { alias: '$tag_probe' })], unit: 'ms', w: 8 }))
    .withPanel(
      timeseries({
        title: 'Spool backlog by host',
        description: 'Reports an agent holds because the collector has not acknowledged them (offline, restarting, slow).',
        targets: [influx(overTime('siaga_agent_spool', [as(fn('max', 'queued'), 'queued')], FLEET, ['host']), { alias: '$tag_host' })],
        decimals: 0,
        w: 8,
      }),
    )
    .withPanel(
      timeseries({
        title: 'Reports dropped by a full spool',
        targets: [influx(overTime('siaga_agent_spool', [as(increase('dropped'), 'dropped')], FLEET, ['host']), { alias: '$tag_host' })],
        bars: true,
        decimals: 0,
        w: 12,
      }),
    )
    .withPanel(
      timeseries({
        title: 'Spool size by host',
        targets: [influx(overTime('siaga_agent_spool', [as(fn('max', 'bytes'), 'bytes')], FLEET, ['host']), { alias: '$tag_host' })],
        unit: 'bytes',
        w: 12,
      }),
    );

  return finish(b);
}
