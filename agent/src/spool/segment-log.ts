import { closeSync, fdatasyncSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, truncateSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { AckFile } from './ack-file.js';
import { GapLog } from './gaps.js';
import { decodeRecord, encodeRecord, scanRecords, type SpoolRecord } from './record.js';
import type { SpoolGap, SpoolStats } from './types.js';

export interface SegmentLogOptions {
  /** A segment is closed and a new one started once it would grow past this. */
  segmentBytes: number;
  /** Bound on the records waiting for an ack; the oldest are dropped beyond it. */
  maxBytes: number;
  /** Records appended longer ago than this are dropped. */
  maxAgeMs: number;
  now: () => number;
}

export interface AppendResult {
  /** How many of the given records are durably written (a prefix of them). */
  written: number;
  error?: Error;
}

interface Segment {
  file: string;
  size: number;
  /** Records in this segment still waiting for an ack; at 0 the file is deleted. */
  pending: number;
  fd: number | undefined;
}

interface Entry {
  seq: number;
  createdAt: number;
  segment: Segment;
  offset: number;
  size: number;
}

const SEGMENT_NAME = /^(\d{20})\.seg$/;

/**
 * The on-disk part of the spool: append-only segment files of checksummed records plus an
 * in-memory index of the records waiting for an ack, so reads touch only the bytes they return.
 * Appends are fdatasynced before they count. Filesystem errors surface to the caller (as
 * results or exceptions); the caller decides how to degrade.
 */
export class SegmentLog {
  private readonly segments: Segment[] = [];
  /** Pending records in seq order; `entries[head]` is the oldest. */
  private entries: Entry[] = [];
  private head = 0;
  private active: Segment | undefined;
  private pendingBytes = 0;
  private removedThrough: number;
  private highest: number;
  private dropped = 0;
  private corrupt = 0;
  private readonly gapLog: GapLog;
  private readonly ackFile: AckFile;
  private ackDirty = false;

  private constructor(
    private readonly dir: string,
    private readonly opts: SegmentLogOptions,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.ackFile = new AckFile(dir);
    const state = this.ackFile.read();
    this.removedThrough = state.removedThrough;
    this.highest = state.removedThrough;
    this.gapLog = new GapLog(state.gaps, state.gapOpen);
  }

  /** Opens (creating if needed) the spool directory and indexes what is waiting in it. */
  static open(dir: string, opts: SegmentLogOptions): SegmentLog {
    const log = new SegmentLog(dir, opts);
    log.load();
    log.enforceBounds();
    return log;
  }

  private load(): void {
    const names = readdirSync(this.dir).filter((n) => SEGMENT_NAME.test(n)).sort();
    for (const name of names) {
      const file = path.join(this.dir, name);
      let buf: Buffer;
      try {
        buf = readFileSync(file);
      } catch {
        // An unreadable segment is lost like a damaged one; the rest of the spool still works.
        this.corrupt += 1;
        continue;
      }
      const scan = scanRecords(buf);
      this.corrupt += scan.corrupt;
      if (scan.validEnd < buf.length) tryQuietly(() => truncateSync(file, scan.validEnd));
      const segment: Segment = { file, size: scan.validEnd, pending: 0, fd: undefined };
      this.segments.push(segment);
      for (const r of scan.records) {
        // Seqs only grow; a record at or below the highest one seen is a leftover copy, skipped.
        if (r.seq <= this.highest) continue;
        this.highest = r.seq;
        this.index({ ...r, segment });
      }
    }
    this.sweep();
  }

  get highestSeq(): number {
    return this.highest;
  }

  /** Writes records (seqs strictly increasing, above `highestSeq`) and syncs them to disk. */
  append(records: readonly SpoolRecord[]): AppendResult {
    let last = this.highest;
    for (const r of records) {
      if (!Number.isSafeInteger(r.seq) || r.seq <= last) throw new RangeError(`spool: seq ${r.seq} is not above ${last}`);
      last = r.seq;
    }
    const encoded = records.map(encodeRecord);
    let written = 0;
    try {
      while (written < records.length) written += this.writeChunk(records, encoded, written);
      return { written };
    } catch (err) {
      return { written, error: err as Error };
    } finally {
      this.enforceBounds();
    }
  }

  /** Writes as many records from `from` as fit the current segment, syncs, indexes them. */
  private writeChunk(records: readonly SpoolRecord[], encoded: readonly Buffer[], from: number): number {
    const segment = this.segmentFor((encoded[from] as Buffer).length);
    let to = from;
    let bytes = 0;
    while (to < encoded.length && (to === from || segment.size + bytes + (encoded[to] as Buffer).length <= this.opts.segmentBytes)) {
      bytes += (encoded[to] as Buffer).length;
      to += 1;
    }
    const chunk = to - from === 1 ? (encoded[from] as Buffer) : Buffer.concat(encoded.slice(from, to), bytes);
    const fd = segment.fd as number;
    try {
      writeFully(fd, chunk, segment.size);
      fdatasyncSync(fd);
    } catch (err) {
      // Take back a partial write so the next record starts on a clean boundary; if even that
      // fails, stop writing to this segment (a reader skips its torn tail).
      try {
        ftruncateSync(fd, segment.size);
      } catch {
        this.active = undefined;
        this.sweep();
      }
      throw err;
    }
    let offset = segment.size;
    for (let i = from; i < to; i++) {
      const r = records[i] as SpoolRecord;
      const size = (encoded[i] as Buffer).length;
      this.index({ seq: r.seq, createdAt: r.createdAt, segment, offset, size });
      this.highest = r.seq;
      offset += size;
    }
    segment.size = offset;
    return to - from;
  }

  private segmentFor(recordBytes: number): Segment {
    const active = this.active;
    if (active && (active.size === 0 || active.size + recordBytes <= this.opts.segmentBytes)) return active;
    this.active = undefined;
    this.sweep();
    const file = path.join(this.dir, `${String(this.highest + 1).padStart(20, '0')}.seg`);
    // 'w+': a file of this name can only be the empty leftover of a failed attempt.
    const fd = openSync(file, 'w+', 0o600);
    const segment: Segment = { file, size: 0, pending: 0, fd };
    try {
      syncDirectory(this.dir);
    } catch (err) {
      closeSync(fd);
      tryQuietly(() => unlinkSync(file));
      throw err;
    }
    this.segments.push(segment);
    this.active = segment;
    return segment;
  }

  /** Pending records with seq above `afterSeq`, oldest first, at most `limit`. */
  read(afterSeq: number, limit: number): SpoolRecord[] {
    const out: SpoolRecord[] = [];
    let i = this.firstAbove(afterSeq);
    while (out.length < limit && i < this.entries.length) {
      const entry = this.entries[i] as Entry;
      const record = this.readEntry(entry);
      if (record) {
        out.push(record);
        i += 1;
      } else {
        // Damaged since it was indexed (or unreadable): skip it for good rather than stall.
        this.corrupt += 1;
        this.unindex(i);
      }
    }
    return out;
  }

  private readEntry(entry: Entry): SpoolRecord | undefined {
    try {
      const segment = entry.segment;
      segment.fd ??= openSync(segment.file, 'r');
      const buf = Buffer.allocUnsafe(entry.size);
      let done = 0;
      while (done < entry.size) {
        const n = readSync(segment.fd, buf, done, entry.size - done, entry.offset + done);
        if (n === 0) return undefined;
        done += n;
      }
      const decoded = decodeRecord(buf);
      return decoded && decoded.record.seq === entry.seq ? decoded.record : undefined;
    } catch {
      return undefined;
    }
  }

  /** Removes every record with seq ≤ `seq` (the collector's cumulative ack). */
  ack(seq: number): void {
    if (seq <= this.removedThrough) return;
    let delivered = false;
    while (this.head < this.entries.length && (this.entries[this.head] as Entry).seq <= seq) {
      this.removeHead();
      delivered = true;
    }
    if (delivered) this.gapLog.delivered();
    this.removedThrough = seq;
    this.highest = Math.max(this.highest, seq);
    this.persistAck();
    this.sweep();
  }

  /** Drops the oldest records beyond the age and size bounds, remembering them as a gap. */
  private enforceBounds(): void {
    const cutoff = this.opts.now() - this.opts.maxAgeMs;
    let droppedAny = false;
    while (this.head < this.entries.length) {
      const oldest = this.entries[this.head] as Entry;
      const tooOld = oldest.createdAt < cutoff;
      const tooBig = this.pendingBytes > this.opts.maxBytes && this.entries.length - this.head > 1;
      if (!tooOld && !tooBig) break;
      this.removeHead();
      this.removedThrough = oldest.seq;
      this.dropped += 1;
      this.gapLog.dropped(oldest.seq);
      droppedAny = true;
    }
    if (droppedAny || this.ackDirty) this.persistAck();
    if (droppedAny) this.sweep();
  }

  stats(): SpoolStats {
    return { queued: this.entries.length - this.head, bytes: this.pendingBytes, dropped: this.dropped, corrupt: this.corrupt, degraded: false };
  }

  gaps(): SpoolGap[] {
    return this.gapLog.list();
  }

  /** Adds runs dropped elsewhere (the memory ring while the disk was unwritable). */
  addGaps(gaps: readonly SpoolGap[]): void {
    for (const g of gaps) this.gapLog.addRun(g);
    if (gaps.length > 0) this.persistAck();
  }

  close(): void {
    if (this.ackDirty) this.persistAck();
    for (const s of this.segments) closeQuietly(s);
    this.active = undefined;
    tryQuietly(() => this.ackFile.close());
  }

  private index(entry: Entry): void {
    this.entries.push(entry);
    entry.segment.pending += 1;
    this.pendingBytes += entry.size;
  }

  private removeHead(): void {
    this.forget(this.entries[this.head] as Entry);
    this.head += 1;
    // Compact now and then so removing from the front stays O(1) amortized.
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  private unindex(i: number): void {
    this.forget(this.entries[i] as Entry);
    this.entries.splice(i, 1);
    this.sweep();
  }

  private forget(entry: Entry): void {
    entry.segment.pending -= 1;
    this.pendingBytes -= entry.size;
  }

  /** Index of the first pending entry with seq above `seq`. */
  private firstAbove(seq: number): number {
    let lo = this.head;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.entries[mid] as Entry).seq <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Deletes segments with nothing left to send (except the one being written). */
  private sweep(): void {
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const s = this.segments[i] as Segment;
      if (s.pending > 0 || s === this.active) continue;
      closeQuietly(s);
      try {
        unlinkSync(s.file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') continue; // retried on the next sweep
      }
      this.segments.splice(i, 1);
    }
  }

  private persistAck(): void {
    try {
      this.ackFile.write({ removedThrough: this.removedThrough, gaps: this.gapLog.list(), gapOpen: this.gapLog.open });
      this.ackDirty = false;
    } catch {
      this.ackDirty = true;
    }
  }
}

function writeFully(fd: number, buf: Buffer, position: number): void {
  let done = 0;
  while (done < buf.length) done += writeSync(fd, buf, done, buf.length - done, position + done);
}

/** Makes a new file's directory entry durable. Windows cannot open directories; it needs none. */
function syncDirectory(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } catch (err) {
    // Some filesystems do not support syncing a directory; that is not a failed write.
    if (!['EINVAL', 'ENOTSUP', 'EISDIR', 'EBADF'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
  } finally {
    closeSync(fd);
  }
}

function closeQuietly(segment: Segment): void {
  if (segment.fd === undefined) return;
  tryQuietly(() => closeSync(segment.fd as number));
  segment.fd = undefined;
}

function tryQuietly(fn: () => void): void {
  try {
    fn();
  } catch {
    // best effort: the caller's state stays correct either way
  }
}
