import type { ReportSpool, SpooledReport, SpoolStats } from './types.js';

/** A bounded in-memory spool: the fallback when the disk cannot be written. */
export class MemorySpool implements ReportSpool {
  private items: SpooledReport[] = [];
  private bytes = 0;
  private dropped = 0;

  constructor(private readonly maxItems = 256) {}

  append(report: SpooledReport): void {
    this.items.push(report);
    this.bytes += report.frame.length;
    while (this.items.length > this.maxItems) {
      const old = this.items.shift() as SpooledReport;
      this.bytes -= old.frame.length;
      this.dropped += 1;
    }
  }

  after(afterSeq: number, limit: number): SpooledReport[] {
    const out: SpooledReport[] = [];
    for (const r of this.items) {
      if (r.seq <= afterSeq) continue;
      out.push(r);
      if (out.length >= limit) break;
    }
    return out;
  }

  ack(seq: number): void {
    while (this.items.length > 0 && (this.items[0] as SpooledReport).seq <= seq) {
      this.bytes -= (this.items.shift() as SpooledReport).frame.length;
    }
  }

  stats(): SpoolStats {
    return { queued: this.items.length, bytes: this.bytes, dropped: this.dropped, corrupt: 0, degraded: false };
  }

  close(): void {}
}
