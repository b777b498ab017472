import type { ReportFrame } from '@siaga/shared';
import type { Logger } from '../log.js';
import type { Sink } from '../sinks/types.js';
import type { HostRecord, HostStore } from '../store/hosts.js';
import { reportPoints } from './points.js';

export type IngestOutcome = 'stored' | 'duplicate';

/**
 * Listeners that want every new report (readiness, the live board). `live` is false for backlog
 * an agent replays after being offline: it is stored, but it does not speak for the present.
 */
export type ReportListener = (host: HostRecord, frame: ReportFrame, receivedAt: number, live: boolean) => void;

/**
 * Takes validated reports: drops those at or below the host's stored seq (at-least-once delivery
 * means duplicates are normal), writes the rest to every sink, then records them in the store.
 */
export class Ingest {
  private readonly listeners: ReportListener[] = [];

  constructor(
    private readonly hosts: HostStore,
    private readonly sinks: readonly Sink[],
    private readonly log: Logger,
  ) {}

  onReport(listener: ReportListener): void {
    this.listeners.push(listener);
  }

  /**
   * Resolves once every sink holds the report. Listeners hear of it first: a verdict must not
   * wait for InfluxDB, and a report resent after a failed write only repeats the same facts.
   */
  async report(host: HostRecord, frame: ReportFrame, receivedAt: number, storedSeq: number, live: boolean): Promise<IngestOutcome> {
    if (frame.seq <= storedSeq) return 'duplicate';
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
    return 'stored';
  }
}
