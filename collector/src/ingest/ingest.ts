import type { ReportFrame } from '@siaga/shared';
import type { Logger } from '../log.js';
import type { Sink } from '../sinks/types.js';
import type { HostRecord, HostStore, ReportRecord } from '../store/hosts.js';
import { ReportRecorder } from '../store/report-recorder.js';
import { reportPoints } from './points.js';
import { reportLines } from './report-lines.js';
import { StatusThinning } from './status-thinning.js';

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
  private readonly recorder: ReportRecorder;
  readonly thinning: StatusThinning;

  constructor(
    hosts: HostStore,
    private readonly sinks: readonly Sink[],
    private readonly log: Logger,
    statusHeartbeatMs = 0,
  ) {
    this.recorder = new ReportRecorder(hosts);
    this.thinning = new StatusThinning(statusHeartbeatMs);
  }

  /** A report at or below the stored seq came again (its ack was lost): acked, not stored again. */
  duplicate(): void {
    this.counters.duplicate += 1;
  }

  onReport(listener: ReportListener): void {
    this.listeners.push(listener);
  }

  /**
   * Resolves once every sink holds the report and the host's seq is committed in the store.
   * Listeners hear of it first: a verdict must not wait for InfluxDB, and a report resent after a
   * failed write only repeats the same facts. While the report waits, only its row for the store
   * is held, not the parsed frame or its points. `text`: the frame's JSON as received, when it
   * holds exactly the frame (saves serializing it again for the store).
   */
  report(host: HostRecord, frame: ReportFrame, receivedAt: number, live: boolean, text?: string): Promise<void> {
    this.counters.received += 1;
    for (const listener of this.listeners) {
      try {
        listener(host, frame, receivedAt, live);
      } catch (err) {
        this.log.error({ err: (err as Error).message }, 'report listener failed');
      }
    }
    try {
      const written = this.write(host, frame);
      const row: ReportRecord = { hostId: host.id, seq: frame.seq, collectedAt: frame.collectedAt, receivedAt };
      if (live && this.recorder.keepsAsLatest(host.id, frame.trigger, receivedAt)) row.json = text ?? JSON.stringify(frame);
      return this.recordAfter(written, row);
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  /** Commits reports the sinks already hold (on shutdown, before the store closes). */
  flush(): void {
    this.recorder.flush();
  }

  // The two steps are separate functions on purpose: a closure keeps its function's whole scope
  // alive, and a parsed report or its lines held until the write is confirmed (half a second
  // under load) outlived the young generation, which made the garbage collector the collector's
  // largest cost at 15,000 agents.

  private write(host: HostRecord, frame: ReportFrame): Promise<unknown> {
    if (this.sinks.length === 0) return Promise.resolve();
    const stored = this.thinning.thin(host.id, frame);
    let lines: string[] | undefined;
    let points: ReturnType<typeof reportPoints> | undefined;
    const writes: Promise<void>[] = [];
    for (const sink of this.sinks) {
      if (sink.writeLines) writes.push(sink.writeLines((lines ??= reportLines(host, stored))));
      else writes.push(sink.write((points ??= reportPoints(host, stored))));
    }
    return writes.length === 1 ? (writes[0] as Promise<void>) : Promise.all(writes);
  }

  private recordAfter(written: Promise<unknown>, row: ReportRecord): Promise<void> {
    return written.then(() => this.recorder.record(row));
  }
}
