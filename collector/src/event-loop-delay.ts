import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

const ms = (ns: number): number => Math.round(ns / 1e4) / 100;

/**
 * How late the collector's event loop ran in each self-metrics interval. Every frame, ack and
 * timer waits behind a busy or blocked loop, so this is the first figure to read when acks are
 * slow: a high value with low InfluxDB write latency means the collector itself is the limit.
 */
export class EventLoopDelay {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 20 });

  constructor() {
    this.histogram.enable();
  }

  /** p99 and maximum delay since the previous call, in milliseconds (none before the first sample). */
  fields(): Record<string, number> {
    const h = this.histogram;
    const fields: Record<string, number> = h.count > 0 ? { event_loop_delay_p99_ms: ms(h.percentile(99)), event_loop_delay_max_ms: ms(h.max) } : {};
    h.reset();
    return fields;
  }

  stop(): void {
    this.histogram.disable();
  }
}
