/** One report waiting for the collector's acknowledgement, already serialized. */
export interface SpooledReport {
  seq: number;
  /** The report frame as JSON text. */
  frame: string;
}

export interface SpoolStats {
  /** Reports waiting for an ack. */
  queued: number;
  bytes: number;
  /** Reports dropped to stay within the size or age bound, since the agent started. */
  dropped: number;
  /** Records skipped because they were torn or failed their checksum. */
  corrupt: number;
  /** True while the spool could not write to disk and keeps a small ring in memory instead. */
  degraded: boolean;
}

/** A run of reports dropped to respect a bound: seqs `firstSeq`..`lastSeq`, `count` of them. */
export interface SpoolGap {
  firstSeq: number;
  lastSeq: number;
  count: number;
}

/**
 * Store-and-forward queue of reports: a report is appended before it is sent and removed only
 * when the collector's cumulative ack covers it.
 */
export interface ReportSpool {
  append(report: SpooledReport): void;
  /** Reports with seq above `afterSeq`, oldest first, at most `limit`. */
  after(afterSeq: number, limit: number): SpooledReport[];
  /** Removes every report with seq ≤ `seq`. */
  ack(seq: number): void;
  stats(): SpoolStats;
  /** The most recent runs of reports dropped to respect a bound, oldest first. */
  gaps(): SpoolGap[];
  close(): void;
}
