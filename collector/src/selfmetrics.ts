import type { InfluxSinkStats } from './sinks/influx-batch.js';
import type { Point } from './sinks/types.js';

/** Fields of the collector's own sample, read when it is written. */
export type FieldSource = () => Record<string, number>;

export const SELF_METRICS_INTERVAL_MS = 10_000;

/**
 * The collector's `siaga_collector` sample (docs/metrics.md), written every 10 s like
 * node_exporter's own metrics: counters since start and gauges, one tag `collector`.
 */
export class SelfMetrics {
  private readonly sources: FieldSource[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly opts: { name: string; write: (points: Point[]) => void; intervalMs?: number; now?: () => number },
  ) {}

  add(source: FieldSource): void {
    this.sources.push(source);
  }

  point(): Point {
    const fields: Point['fields'] = {};
    for (const source of this.sources) Object.assign(fields, source());
    return { measurement: 'siaga_collector', tags: { collector: this.opts.name }, fields, time: (this.opts.now ?? Date.now)() };
  }

  start(): void {
    this.timer ??= setInterval(() => this.opts.write([this.point()]), this.opts.intervalMs ?? SELF_METRICS_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** The InfluxDB sink's counters under their `siaga_collector` field names. */
export function influxFields(s: InfluxSinkStats): Record<string, number> {
  return {
    points_written: s.pointsWritten,
    influx_write_requests: s.writeRequests,
    influx_write_errors: s.errors.rejected + s.errors.tooLarge + s.errors.config + s.errors.transient,
    influx_errors_rejected: s.errors.rejected + s.errors.tooLarge,
    influx_errors_config: s.errors.config,
    influx_errors_transient: s.errors.transient,
    influx_retries: s.retries,
    influx_spilled: s.pointsSpilled,
    influx_spilled_slow: s.pointsSpilledSlow,
    influx_drained: s.pointsDrained,
    influx_dead_lettered: s.pointsDeadLettered,
    influx_refused: s.pointsRefused,
    influx_spill_backlog: s.spill.backlogPoints,
    influx_spill_unwritten: s.spillUnwritten,
    influx_slow_backlog_waits: s.slowBacklogWaits,
    influx_spill_bytes: s.spill.diskBytes,
    influx_pending: s.pendingPoints,
    influx_healthy: s.healthy ? 1 : 0,
  };
}
