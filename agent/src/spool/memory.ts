import { GapLog } from './gaps.js';
import type { ReportSpool, SpooledReport, SpoolGap, SpoolStats } from './types.js';

/**
 * A bounded in-memory spool: the fallback when the disk cannot be written. Items may carry more
 * than a report (the file spool keeps each record's append time); `after` returns them as stored.
 */
export class MemorySpool<T extends SpooledReport = SpooledReport> implements ReportSpool {
  private items: T[] = [];
  private bytes = 0;
  private dropped = 0;
  private readonly gapLog = new GapLog();

  constructor(private readonly maxItems = 256) {}

  append(report: T): void {
    this.items.push(report);
    this.bytes += report.frame.length;
    while (this.items.length > this.maxItems) {
      const old = this.items.shift() as T;
      this.bytes -= old.frame.length;
      this.dropped += 1;
      this.gapLog.dropped(old.seq);
    }
  }

  after(afterSeq: number, limit: number): T[] {
    const out: T[] = [];
    for (const r of this.items) {
      if (out.length >= limit) break;
      if (r.seq <= afterSeq) continue;
      out.push(r);
    }
    return out;
  }

  ack(seq: number): void {
    let removed = false;
    while (this.items.length > 0 && (this.items[0] as T).seq <= seq) {
      this.bytes -= (this.items.shift() as T).frame.length;
      removed = true;
    }
    if (removed) this.gapLog.delivered();
  }

  stats(): SpoolStats {
    return { queued: this.items.length, bytes: this.bytes, dropped: this.dropped, corrupt: 0, degraded: false };
  }

  gaps(): SpoolGap[] {
    return this.gapLog.list();
  }

  close(): void {}
}
