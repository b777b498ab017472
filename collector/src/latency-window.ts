import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';

const ms = (us: number): number => Math.round(us / 10) / 100;

/**
 * Durations within one self-metrics interval (the time from a report's arrival to its ack, a
 * spill append's write and sync): their p99 and maximum, then it starts over.
 */
export class LatencyWindow {
  private readonly histogram: RecordableHistogram = createHistogram();

  record(durationMs: number): void {
    this.histogram.record(Math.max(1, Math.round(durationMs * 1000)));
  }

  /** `<prefix>_p99_ms` and `<prefix>_max_ms` since the previous call (none when nothing was recorded). */
  fields(prefix: string): Record<string, number> {
    const h = this.histogram;
    const fields: Record<string, number> = h.count > 0 ? { [`${prefix}_p99_ms`]: ms(h.percentile(99)), [`${prefix}_max_ms`]: ms(h.max) } : {};
    h.reset();
    return fields;
  }
}
