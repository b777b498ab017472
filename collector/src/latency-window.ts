import { createHistogram, type Histogram, type RecordableHistogram } from 'node:perf_hooks';

const ms = (ns: number): number => Math.round(ns / 1e4) / 100;

/**
 * `<prefix>_p99_ms` and `<prefix>_max_ms` of a histogram of nanoseconds since its last reset
 * (none when it recorded nothing), then resets it: one self-metrics interval.
 */
export function windowFields(h: Histogram & { reset(): void }, prefix: string): Record<string, number> {
  const fields: Record<string, number> = h.count > 0 ? { [`${prefix}_p99_ms`]: ms(h.percentile(99)), [`${prefix}_max_ms`]: ms(h.max) } : {};
  h.reset();
  return fields;
}

/**
 * Durations within one self-metrics interval (the time from a report's arrival to its ack, a
 * spill append's write and sync): their p99 and maximum, then it starts over.
 */
export class LatencyWindow {
  private readonly histogram: RecordableHistogram = createHistogram();

  record(durationMs: number): void {
    this.histogram.record(Math.max(1, Math.round(durationMs * 1e6)));
  }

  /** `<prefix>_p99_ms` and `<prefix>_max_ms` since the previous call (none when nothing was recorded). */
  fields(prefix: string): Record<string, number> {
    return windowFields(this.histogram, prefix);
  }
}
