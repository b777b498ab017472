import type { ReportFrame } from '@siaga/shared';
import type { HostStore, ReportRecord } from './hosts.js';

/** A host's latest report is kept at least this often (HostStore.latestReport). */
export const LATEST_REPORT_EVERY_MS = 60_000;

interface Waiter {
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * Records stored reports in the host table with a group commit: every report recorded in one
 * turn of the event loop (an InfluxDB batch answers for about a hundred at once) goes into one
 * transaction, and each caller's promise settles once that transaction committed. A host that
 * reported twice in the turn is written once, with its newest report.
 *
 * Why the ack waits for this commit: the host's `last_seq` is what `welcome` tells a reconnecting
 * agent and what duplicates are dropped against. Committed before the ack, it never lags behind
 * what the agent saw acknowledged, so after a collector restart (even kill -9) an agent resumes
 * exactly after its last ack and a resent report is still recognised as a duplicate. The wait is
 * one event-loop turn, next to the InfluxDB write the ack already waits for.
 */
export class ReportRecorder {
  private pending = new Map<string, ReportRecord>();
  private waiters: Waiter[] = [];
  private scheduled = false;
  /** When each host's report was last given to be kept as its latest. */
  private readonly latestAt = new Map<string, number>();

  constructor(private readonly hosts: HostStore) {}

  /**
   * Whether this report is to be kept as the host's latest (the host page shows its metrics):
   * the first of a host since start, one collected on a change or a recheck rather than on the
   * interval, and otherwise one per LATEST_REPORT_EVERY_MS. Every report rewrote 6 KB in the
   * hosts table, most of the collector's disk writes at 1,000 reports/s, and those writes slowed
   * the fdatasync that acks from the InfluxDB spill wait for.
   */
  keepsAsLatest(hostId: string, trigger: ReportFrame['trigger'], at: number): boolean {
    const last = this.latestAt.get(hostId);
    if (last !== undefined && trigger === 'interval' && at - last < LATEST_REPORT_EVERY_MS) return false;
    this.latestAt.set(hostId, at);
    return true;
  }

  record(report: ReportRecord): Promise<void> {
    const earlier = this.pending.get(report.hostId);
    if (!earlier || report.seq > earlier.seq) {
      // The newest seq goes in; a report kept as the latest is not lost for coming with another.
      this.pending.set(report.hostId, report.json === undefined && earlier?.json !== undefined ? { ...report, json: earlier.json } : report);
    }
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    return done;
  }

  /** Commits what is pending now (also called on shutdown, before the store closes). */
  flush(): void {
    this.scheduled = false;
    if (this.waiters.length === 0) return;
    const reports = this.pending.values();
    const waiters = this.waiters;
    this.pending = new Map();
    this.waiters = [];
    try {
      this.hosts.recordReports(reports);
    } catch (err) {
      for (const w of waiters) w.reject(err as Error);
      return;
    }
    for (const w of waiters) w.resolve();
  }
}
