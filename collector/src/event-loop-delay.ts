import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { windowFields } from './latency-window.js';

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
    return windowFields(this.histogram, 'event_loop_delay');
  }

  stop(): void {
    this.histogram.disable();
  }
}
