import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, statSync, unlinkSync } from 'node:fs';
import { type FileHandle, open, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ErrorCode, SiagaError } from '@siaga/shared';
import { LatencyWindow } from '../latency-window.js';
import type { Lines } from './lines.js';
import { decodeRecord, encodeRecord, HEADER_BYTES, readHeader } from './spill-record.js';

export interface SpillOptions {
  /** Bound on the spill's files on disk; an append beyond it fails with `SpillFullError`. */
  maxBytes: number;
  /** A segment is closed and a new one started once it holds this much. */
  segmentBytes: number;
}

export interface SpillStats {
  backlogPoints: number;
  backlogBytes: number;
  diskBytes: number;
  segments: number;
  /** Bytes of appends on their way to the disk (not in the backlog yet). */
  appendingBytes: number;
  /** Torn tails and records failing their checksum, skipped. */
  corrupt: number;
}

/** A spilled batch handed out for draining; `consume` it once InfluxDB took it. */
export interface SpilledBatch {
  segment: number;
  offset: number;
  end: number;
  lines: Lines;
}

export class SpillFullError extends SiagaError {
  constructor(maxBytes: number) {
    super(ErrorCode.influxSpillFull, `the InfluxDB spill is full (${maxBytes} bytes): points are refused until InfluxDB takes the backlog`);
  }
}

interface Segment {
  id: number;
  size: number;
  /** Offset of the first record InfluxDB has not accepted yet. */
  pos: number;
  /** Lines between `pos` and `size`. */
  points: number;
}

/** Where an appended batch lies: `peek` hands it out with the same segment and offset. */
export interface SpillPosition {
  segment: number;
  offset: number;
}

interface QueuedAppend {
  record: Buffer;
  points: number;
  queuedAt: number;
  resolve: (position: SpillPosition) => void;
  reject: (err: Error) => void;
}

const SEGMENT = /^(\d{12})\.spill$/;
const POSITION = /^(\d{12})\.pos$/;

/**
 * The collector's own durable queue for points InfluxDB could not take: append-only segment
 * files of checksummed records (one record per batch), each append fdatasynced before it
 * resolves. Drained oldest first; a `<segment>.pos` file remembers how far InfluxDB accepted, so
 * after a crash at most the one batch in flight is sent again, and a segment file is deleted
 * only after InfluxDB accepted its last record.
 */
export class Spill {
  private readonly segments: Segment[] = [];
  private active: { segment: Segment; file: FileHandle } | undefined;
  private nextId = 1;
  private queue: QueuedAppend[] = [];
  private writing: Promise<void> | undefined;
  private queuedBytes = 0;
  private corrupt = 0;
  private closed = false;
  /** From an append's call to its fdatasync: what an ack from the spill waits for. */
  readonly appendTimes = new LatencyWindow();

  private constructor(
    readonly dir: string,
    private readonly opts: SpillOptions,
  ) {}

  /** Opens (creating if needed) the spill directory and indexes what waits in it. */
  static open(dir: string, opts: SpillOptions): Spill {
    const spill = new Spill(dir, opts);
    spill.load();
    return spill;
  }

  stats(): SpillStats {
    let backlogPoints = 0;
    let backlogBytes = 0;
    let diskBytes = 0;
    for (const s of this.segments) {
      backlogPoints += s.points;
      backlogBytes += s.size - s.pos;
      diskBytes += s.size;
    }
    return { backlogPoints, backlogBytes, diskBytes, segments: this.segments.length, appendingBytes: this.queuedBytes, corrupt: this.corrupt };
  }

  /** Resolves once the batch is on disk (fdatasync), with its position; concurrent appends share one sync. */
  append(lines: Lines): Promise<SpillPosition> {
    if (this.closed) return Promise.reject(new Error('the spill is closed'));
    const record = encodeRecord(lines);
    if (this.stats().diskBytes + this.queuedBytes + record.length > this.opts.maxBytes) return Promise.reject(new SpillFullError(this.opts.maxBytes));
    this.queuedBytes += record.length;
    return new Promise((resolve, reject) => {
      this.queue.push({ record, points: lines.count, queuedAt: performance.now(), resolve, reject });
      this.writing ??= this.writeQueued();
    });
  }

  /** The oldest batch InfluxDB has not accepted yet (the same one until it is consumed). */
  async peek(): Promise<SpilledBatch | undefined> {
    for (;;) {
      const seg = this.segments[0];
      if (!seg) return undefined;
      if (seg.pos >= seg.size) {
        if (this.active?.segment === seg) return undefined;
        await this.remove(seg);
        continue;
      }
      const batch = await this.read(seg);
      if (batch) return batch;
    }
  }

  /** Marks a batch from `peek` as accepted by InfluxDB. */
  async consume(batch: SpilledBatch): Promise<void> {
    const seg = this.segments.find((s) => s.id === batch.segment);
    if (!seg || seg.pos !== batch.offset) return;
    seg.pos = batch.end;
    seg.points = Math.max(0, seg.points - batch.lines.count);
    await this.savePosition(seg);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.writing;
    await this.active?.file.close();
    this.active = undefined;
  }

  private load(): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const names = readdirSync(this.dir);
    const ids = names.flatMap((n) => (SEGMENT.test(n) ? [Number(SEGMENT.exec(n)?.[1])] : [])).sort((a, b) => a - b);
    for (const n of names) {
      const id = POSITION.exec(n)?.[1];
      if (id !== undefined && !ids.includes(Number(id))) unlinkSync(path.join(this.dir, n));
    }
    for (const id of ids) {
      const size = statSync(this.segmentPath(id)).size;
      let pos = 0;
      try {
        pos = Number(readFileSync(this.positionPath(id), 'utf8'));
      } catch {
        // never drained
      }
      if (!Number.isInteger(pos) || pos < 0 || pos > size) pos = 0;
      this.segments.push({ id, size, pos, points: this.countPoints(id, pos, size) });
      this.nextId = id + 1;
    }
  }

  /** Walks the record headers from `pos` (payloads are checked when they are read for draining). */
  private countPoints(id: number, pos: number, size: number): number {
    const fd = openSync(this.segmentPath(id), 'r');
    try {
      const header = Buffer.alloc(HEADER_BYTES);
      let points = 0;
      for (let offset = pos; offset + HEADER_BYTES <= size; ) {
        readSync(fd, header, 0, HEADER_BYTES, offset);
        const h = readHeader(header);
        if (!h || offset + HEADER_BYTES + h.payloadBytes > size) break;
        points += h.points;
        offset += HEADER_BYTES + h.payloadBytes;
      }
      return points;
    } finally {
      closeSync(fd);
    }
  }

  private async read(seg: Segment): Promise<SpilledBatch | undefined> {
    const file = await open(this.segmentPath(seg.id), 'r');
    try {
      const header = Buffer.alloc(HEADER_BYTES);
      await file.read(header, 0, HEADER_BYTES, seg.pos);
      const h = seg.pos + HEADER_BYTES <= seg.size ? readHeader(header) : undefined;
      if (!h || seg.pos + HEADER_BYTES + h.payloadBytes > seg.size) {
        // A torn tail: an append cut short by a crash, never acknowledged to anyone.
        this.corrupt++;
        seg.pos = seg.size;
        seg.points = 0;
        await this.savePosition(seg);
        return undefined;
      }
      const payload = Buffer.alloc(h.payloadBytes);
      await file.read(payload, 0, h.payloadBytes, seg.pos + HEADER_BYTES);
      const end = seg.pos + HEADER_BYTES + h.payloadBytes;
      const lines = decodeRecord(header, payload);
      if (lines) return { segment: seg.id, offset: seg.pos, end, lines };
      this.corrupt++;
      seg.pos = end;
      seg.points = Math.max(0, seg.points - h.points);
      await this.savePosition(seg);
      return undefined;
    } finally {
      await file.close();
    }
  }

  /** Writes until the queue is empty; clears `writing` in the same step as its last look at the queue. */
  private async writeQueued(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.queue.splice(0);
      const bytes = Buffer.concat(group.map((g) => g.record));
      try {
        const { segment, file } = await this.writable();
        await file.write(bytes, 0, bytes.length, segment.size);
        await file.datasync();
        let offset = segment.size;
        segment.size += bytes.length;
        segment.points += group.reduce((n, g) => n + g.points, 0);
        const now = performance.now();
        for (const g of group) {
          this.appendTimes.record(now - g.queuedAt);
          g.resolve({ segment: segment.id, offset });
          offset += g.record.length;
        }
      } catch (err) {
        // After a failed write or sync the file's state is unknown: continue in a fresh segment.
        await this.active?.file.close().catch(() => undefined);
        this.active = undefined;
        group.forEach((g) => g.reject(err as Error));
      } finally {
        this.queuedBytes -= bytes.length;
      }
    }
    this.writing = undefined;
  }

  private async writable(): Promise<{ segment: Segment; file: FileHandle }> {
    if (this.active && this.active.segment.size < this.opts.segmentBytes) return this.active;
    if (this.active) {
      const old = this.active;
      this.active = undefined;
      await old.file.close();
      if (old.segment.pos >= old.segment.size) await this.remove(old.segment);
    }
    const id = this.nextId++;
    const file = await open(this.segmentPath(id), 'wx', 0o600);
    await syncDirectory(this.dir);
    const segment: Segment = { id, size: 0, pos: 0, points: 0 };
    this.segments.push(segment);
    this.active = { segment, file };
    return this.active;
  }

  private async remove(seg: Segment): Promise<void> {
    const index = this.segments.indexOf(seg);
    if (index < 0) return;
    this.segments.splice(index, 1);
    // The segment goes first: a position file without its segment is cleaned up at start.
    await unlink(this.segmentPath(seg.id)).catch(() => undefined);
    await unlink(this.positionPath(seg.id)).catch(() => undefined);
  }

  private async savePosition(seg: Segment): Promise<void> {
    if (seg.pos >= seg.size && this.active?.segment !== seg) return this.remove(seg);
    // Not synced: a lost update only means one batch is sent again (same points, same timestamps).
    await writeFile(this.positionPath(seg.id), String(seg.pos));
  }

  private segmentPath(id: number): string {
    return path.join(this.dir, `${String(id).padStart(12, '0')}.spill`);
  }

  private positionPath(id: number): string {
    return path.join(this.dir, `${String(id).padStart(12, '0')}.pos`);
  }
}

/** Makes a new file's directory entry durable (Linux, macOS); not possible on Windows. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // best effort
  } finally {
    await handle?.close();
  }
}
