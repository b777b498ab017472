import type { ReportFrame } from '@siaga/shared';
import type { Logger } from '../log.js';
import type { Sink } from '../sinks/types.js';
import type { HostRecord, HostStore } from '../store/hosts.js';
import { reportPoints } from './points.js';

export type IngestOutcome = 'stored' | 'duplicate';

/** Listeners that want every stored report (readiness, live board). */
export type ReportListener = (host: HostRecord, frame: ReportFrame, receivedAt: number) => void;

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

  async report(host: HostRecord, frame: ReportFrame, receivedAt: number, storedSeq: number): Promise<IngestOutcome> {
    if (frame.seq <= storedSeq) return 'duplicate';
    const points = reportPoints(host, frame);
    await Promise.all(this.sinks.map((s) => s.write(points)));
    this.hosts.recordReport(host.id, frame, receivedAt);
    for (const listener of this.listeners) {
      try {
        listener(host, frame, receivedAt);
      } catch (err) {
        this.log.error({ err: (err as Error).message }, 'report listener failed');
      }
    }
    return 'stored';
  }
}
