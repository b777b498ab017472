import { MemorySpool } from './memory.js';
import type { SpoolRecord } from './record.js';
import { SegmentLog, type SegmentLogOptions } from './segment-log.js';
import type { ReportSpool, SpooledReport, SpoolGap, SpoolStats } from './types.js';

export interface FileSpoolOptions {
  /**
   * Bound on the reports waiting for an ack (their bytes on disk; the files can exceed it by up to
   * one segment of acked records). The oldest are dropped beyond it. Default 64 MiB.
   */
  maxBytes?: number;
  /** Reports spooled longer ago than this are dropped. Default 7 days. */
  maxAgeMs?: number;
  /** Size at which a segment file is closed and the next one started. Default 1 MiB. */
  segmentBytes?: number;
  /** Reports kept in memory while the disk cannot be written. Default 1024. */
  memoryItems?: number;
  /** Least time between attempts to return to the disk while degraded. Default 30 s. */
  retryMs?: number;
  now?: () => number;
  log?: SpoolLog;
}

/** The part of the agent's logger the spool uses. */
export interface SpoolLog {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export const SPOOL_DEFAULTS = {
  maxBytes: 64 * 1024 * 1024,
  maxAgeMs: 7 * 24 * 3600 * 1000,
  segmentBytes: 1024 * 1024,
  memoryItems: 1024,
  retryMs: 30_000,
} as const;

/**
 * The durable spool: reports go to append-only, checksummed segment files in `dir` and stay there
 * until the collector's ack covers them. When the disk cannot be written (full, read-only, no
 * permission) it degrades to a small memory ring instead of failing, and moves the ring back to
 * disk, in order, once a later append finds the disk writable again.
 *
 * Every append is fdatasynced before it returns, so a report survives a power cut as soon as it
 * is spooled. That costs well under a millisecond on an SSD, and the agent appends one report
 * every interval (15 s by default) or when a verdict changes: batching would save nothing that
 * matters. Acks are not synced (see AckFile): losing one only causes a resend.
 */
export class FileSpool implements ReportSpool {
  private disk: SegmentLog | undefined;
  private ring: MemorySpool<SpoolRecord>;
  private degraded = false;
  private lastAttempt = Number.NEGATIVE_INFINITY;
  /** Highest ack seen, applied to a disk opened only after the start. */
  private ackedSeq = 0;
  private highest = 0;
  /** Reports dropped by rings that were already moved back to disk. */
  private ringDropped = 0;
  private closed = false;
  private readonly logOptions: SegmentLogOptions;
  private readonly memoryItems: number;
  private readonly retryMs: number;
  private readonly now: () => number;

  constructor(
    private readonly dir: string,
    private readonly options: FileSpoolOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.memoryItems = options.memoryItems ?? SPOOL_DEFAULTS.memoryItems;
    this.retryMs = options.retryMs ?? SPOOL_DEFAULTS.retryMs;
    this.logOptions = {
      maxBytes: options.maxBytes ?? SPOOL_DEFAULTS.maxBytes,
      maxAgeMs: options.maxAgeMs ?? SPOOL_DEFAULTS.maxAgeMs,
      segmentBytes: options.segmentBytes ?? SPOOL_DEFAULTS.segmentBytes,
      now: this.now,
    };
    this.ring = new MemorySpool(this.memoryItems);
    try {
      this.disk = SegmentLog.open(dir, this.logOptions);
      this.highest = this.disk.highestSeq;
    } catch (err) {
      this.degrade(err as Error);
    }
  }

  /** Highest seq the spool has seen (spooled, acked or dropped): the next append must be above it. */
  get highestSeq(): number {
    return this.highest;
  }

  append(report: SpooledReport): void {
    if (this.closed) throw new Error('spool is closed');
    if (!Number.isSafeInteger(report.seq) || report.seq <= this.highest) throw new RangeError(`spool: seq ${report.seq} is not above ${this.highest}`);
    this.highest = report.seq;
    const record: SpoolRecord = { seq: report.seq, frame: report.frame, createdAt: this.now() };
    if (!this.degraded && this.disk) {
      const result = this.disk.append([record]);
      if (!result.error) return;
      this.degrade(result.error);
      this.ring.append(record);
      return;
    }
    if (this.now() - this.lastAttempt >= this.retryMs) this.recover(record);
    else this.ring.append(record);
  }

  after(afterSeq: number, limit: number): SpooledReport[] {
    if (this.closed) return [];
    const out: SpooledReport[] = [];
    for (const r of this.disk?.read(afterSeq, limit) ?? []) out.push({ seq: r.seq, frame: r.frame });
    // The ring only ever holds reports newer than everything on disk.
    for (const r of this.ring.after(afterSeq, limit - out.length)) out.push({ seq: r.seq, frame: r.frame });
    return out;
  }

  ack(seq: number): void {
    if (this.closed || seq <= this.ackedSeq) return;
    this.ackedSeq = seq;
    this.highest = Math.max(this.highest, seq);
    this.disk?.ack(seq);
    this.ring.ack(seq);
  }

  stats(): SpoolStats {
    const disk = this.disk?.stats();
    const ring = this.ring.stats();
    return {
      queued: (disk?.queued ?? 0) + ring.queued,
      bytes: (disk?.bytes ?? 0) + ring.bytes,
      dropped: (disk?.dropped ?? 0) + this.ringDropped + ring.dropped,
      corrupt: disk?.corrupt ?? 0,
      degraded: this.degraded,
    };
  }

  gaps(): SpoolGap[] {
    return [...(this.disk?.gaps() ?? []), ...this.ring.gaps()];
  }

  /** Closes the files; a last attempt moves what the memory ring holds to disk. */
  close(): void {
    if (this.closed) return;
    if (this.degraded) this.recover(undefined);
    this.closed = true;
    this.disk?.close();
    const left = this.ring.stats().queued;
    if (left > 0) this.options.log?.warn({ reports: left }, 'spool closed with reports only in memory: they are lost');
  }

  private degrade(err: Error): void {
    this.lastAttempt = this.now();
    if (this.degraded) return;
    this.degraded = true;
    this.options.log?.warn({ dir: this.dir, err: err.message, code: (err as NodeJS.ErrnoException).code }, 'spool cannot write to disk: keeping reports in memory');
  }

  /** Tries the disk again: the ring first, then `record`, in seq order. */
  private recover(record: SpoolRecord | undefined): void {
    this.lastAttempt = this.now();
    const pending = this.ring.after(0, Number.MAX_SAFE_INTEGER);
    if (record) pending.push(record);
    try {
      if (!this.disk) {
        this.disk = SegmentLog.open(this.dir, this.logOptions);
        if (this.ackedSeq > 0) this.disk.ack(this.ackedSeq);
      }
    } catch {
      if (record) this.ring.append(record);
      return;
    }
    const disk = this.disk;
    this.highest = Math.max(this.highest, disk.highestSeq);
    // Reports numbered at or below what the disk already holds cannot go after it: drop them.
    const stale = pending.filter((r) => r.seq <= disk.highestSeq).length;
    if (stale > 0) disk.addGaps([{ firstSeq: (pending[0] as SpoolRecord).seq, lastSeq: (pending[stale - 1] as SpoolRecord).seq, count: stale }]);
    this.ringDropped += stale;
    const result = disk.append(pending.slice(stale));
    const written = stale + result.written;
    if (written > 0) this.ring.ack((pending[written - 1] as SpoolRecord).seq);
    if (result.error) {
      if (record && written < pending.length) this.ring.append(record);
      return;
    }
    disk.addGaps(this.ring.gaps());
    this.ringDropped += this.ring.stats().dropped;
    this.ring = new MemorySpool(this.memoryItems);
    this.degraded = false;
    this.options.log?.info({ dir: this.dir, reports: pending.length }, 'spool writing to disk again');
  }
}
