import type { ReportFrame } from '@siaga/shared';
import type { Logger } from '../log.js';
import type { Sink } from '../sinks/types.js';
import type { HostRecord, HostStore } from '../store/hosts.js';
import { reportPoints } from './points.js';


/**
 * Listeners that want every new report (readiness, the live board). `live` is false for backlog
 * an agent replays after being offline: it is stored, but it does not speak for the present.
 */
export type ReportListener = (host: HostRecord, frame: ReportFrame, receivedAt: number, live: boolean) => void;

/**
 * Takes validated new reports (the connection already set aside those at or below the stored
 * seq: at-least-once delivery makes duplicates normal), writes them to every sink, then records
 * them in the store.
 */
export class Ingest {
  private readonly listeners: ReportListener[] = [];
  /** Reports since start: new ones, and duplicates of reports already stored (resent after a lost ack). */
  readonly counters = { received: 0, duplicate: 0 };

  constructor(
    private readonly hosts: HostStore,
    private readonly sinks: readonly Sink[],
    private readonly log: Logger,
  ) {}

  /** A report at or below the stored seq came again (its ack was lost): acked, not stored again. */
  duplicate(): void {
    this.counters.duplicate += 1;
  }

  onReport(listener: ReportListener): void {
    this.listeners.push(listener);
  }

  /**
   * Resolves once every sink holds the report. Listeners hear of it first: a verdict must not
   * wait for InfluxDB, and a report resent after a failed write only repeats the same facts.
   */
  async report(host: HostRecord, frame: ReportFrame, receivedAt: number, live: boolean): Promise<void> {
    this.counters.received += 1;
    for (const listener of this.listeners) {
      try {
        listener(host, frame, receivedAt, live);
      } catch (err) {
        this.log.error({ err: (err as Error).message }, 'report listener failed');
      }
    }
    const points = reportPoints(host, frame);
    await Promise.all(this.sinks.map((s) => s.write(points)));
    this.hosts.recordReport(host.id, frame, receivedAt);
  }
}
