import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSpool, type FileSpoolOptions } from './file.js';
import { MemorySpool } from './memory.js';

/** A frame of exactly `len` ASCII bytes carrying its seq; on disk it takes 28 + len bytes. */
const frame = (seq: number, len = 100) => {
  const head = `{"v":1,"type":"report","seq":${seq},"collectedAt":${1_700_000_000_000 + seq},"pad":"`;
  return `${head}${'x'.repeat(len - head.length - 2)}"}`;
};
const RECORD = 128;

let dir: string;
let clock: number;
const open = (opts: FileSpoolOptions = {}) => new FileSpool(dir, { now: () => clock, ...opts });
const seqs = (spool: FileSpool, after = 0) => spool.after(after, 1_000_000).map((r) => r.seq);
const segments = () => readdirSync(dir).filter((n) => n.endsWith('.seg')).sort();
const appendRange = (spool: FileSpool, from: number, to: number) => {
  for (let s = from; s <= to; s++) spool.append({ seq: s, frame: frame(s) });
};

beforeEach(() => {
  dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'siaga-spool-')), 'spool');
  clock = 1_700_000_000_000;
});
afterEach(() => rmSync(path.dirname(dir), { recursive: true, force: true }));

describe('FileSpool', () => {
  it('returns reports after a seq in order, within the limit, until acked', () => {
    const spool = open();
    appendRange(spool, 1, 10);
    expect(seqs(spool)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(spool.after(3, 4).map((r) => r.seq)).toEqual([4, 5, 6, 7]);
    expect(spool.after(10, 5)).toEqual([]);
    expect(spool.after(0, 0)).toEqual([]);
    expect(spool.after(0, 1)[0]).toEqual({ seq: 1, frame: frame(1) });
    spool.ack(4);
    expect(seqs(spool)).toEqual([5, 6, 7, 8, 9, 10]);
    expect(spool.stats()).toEqual({ queued: 6, bytes: 6 * RECORD, dropped: 0, corrupt: 0, degraded: false });
    spool.ack(3);
    expect(seqs(spool)).toEqual([5, 6, 7, 8, 9, 10]);
    spool.close();
  });

  it('restores the pending reports, frames byte for byte, after a restart', () => {
    const first = open();
    appendRange(first, 1, 5);
    first.ack(2);
    first.close();
    const second = open();
    expect(second.after(0, 100)).toEqual([3, 4, 5].map((s) => ({ seq: s, frame: frame(s) })));
    expect(second.highestSeq).toBe(5);
    second.append({ seq: 6, frame: frame(6) });
    second.close();
    expect(seqs(open())).toEqual([3, 4, 5, 6]);
  });

  it('keeps what was appended when the process dies without closing', () => {
    const crashed = open();
    appendRange(crashed, 1, 3);
    crashed.ack(1);
    // No close(): the next instance sees exactly what the disk holds.
    const next = open();
    expect(seqs(next)).toEqual([2, 3]);
    next.close();
    crashed.close();
  });

  it('refuses a seq that is not above everything spooled or acked', () => {
    const spool = open();
    appendRange(spool, 1, 3);
    expect(() => spool.append({ seq: 3, frame: frame(3) })).toThrow(RangeError);
    spool.ack(10);
    expect(spool.highestSeq).toBe(10);
    expect(() => spool.append({ seq: 9, frame: frame(9) })).toThrow(RangeError);
    spool.append({ seq: 11, frame: frame(11) });
    expect(seqs(spool)).toEqual([11]);
    spool.close();
  });

  it('rotates segments and deletes each once all its reports are acked', () => {
    const spool = open({ segmentBytes: 4 * RECORD });
    appendRange(spool, 1, 10);
    expect(segments()).toEqual(['00000000000000000001.seg', '00000000000000000005.seg', '00000000000000000009.seg']);
    expect(statSync(path.join(dir, segments()[0]!)).size).toBe(4 * RECORD);
    spool.ack(3);
    expect(segments()).toHaveLength(3);
    spool.ack(4);
    expect(segments()).toEqual(['00000000000000000005.seg', '00000000000000000009.seg']);
    spool.ack(10);
    // The segment being written stays until the next restart or rotation.
    expect(segments()).toEqual(['00000000000000000009.seg']);
    spool.close();
    const reopened = open({ segmentBytes: 4 * RECORD });
    expect(segments()).toEqual([]);
    expect(seqs(reopened)).toEqual([]);
    reopened.close();
  });

  it('persists acks: acked reports never come back after a restart', () => {
    const spool = open({ segmentBytes: 1024 * 1024 });
    appendRange(spool, 1, 6);
    spool.ack(4);
    spool.close();
    const reopened = open();
    expect(seqs(reopened)).toEqual([5, 6]);
    reopened.close();
  });

  it('drops the oldest reports beyond the size bound and remembers the gap', () => {
    const spool = open({ maxBytes: 10 * RECORD, segmentBytes: 3 * RECORD });
    appendRange(spool, 1, 25);
    expect(seqs(spool)).toEqual([16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
    expect(spool.stats()).toMatchObject({ queued: 10, bytes: 10 * RECORD, dropped: 15 });
    expect(spool.gaps()).toEqual([{ firstSeq: 1, lastSeq: 15, count: 15 }]);
    const onDisk = segments().reduce((sum, n) => sum + statSync(path.join(dir, n)).size, 0);
    expect(onDisk).toBeLessThanOrEqual(10 * RECORD + 3 * RECORD);
    // A delivery in between starts a new run of drops.
    spool.ack(17);
    appendRange(spool, 26, 30);
    expect(spool.gaps()).toEqual([{ firstSeq: 1, lastSeq: 15, count: 15 }, { firstSeq: 18, lastSeq: 20, count: 3 }]);
    spool.close();
    const reopened = open({ maxBytes: 10 * RECORD, segmentBytes: 3 * RECORD });
    expect(seqs(reopened)).toEqual([21, 22, 23, 24, 25, 26, 27, 28, 29, 30]);
    expect(reopened.gaps()).toHaveLength(2);
    expect(reopened.stats().dropped).toBe(0); // counted since this start
    reopened.close();
  });

  it('drops reports older than the age bound, on append and on reopen', () => {
    const day = 24 * 3600 * 1000;
    const spool = open();
    appendRange(spool, 1, 3);
    clock += 2 * day;
    appendRange(spool, 4, 5);
    clock += 5 * day + 1;
    spool.append({ seq: 6, frame: frame(6) });
    expect(seqs(spool)).toEqual([4, 5, 6]);
    expect(spool.stats().dropped).toBe(3);
    expect(spool.gaps()).toEqual([{ firstSeq: 1, lastSeq: 3, count: 3 }]);
    spool.close();
    clock += 2 * day;
    const reopened = open();
    expect(seqs(reopened)).toEqual([6]);
    expect(reopened.stats().dropped).toBe(2);
    expect(reopened.gaps()).toEqual([{ firstSeq: 1, lastSeq: 5, count: 5 }]);
    reopened.close();
  });

  it('skips a torn last record, counts it once and appends cleanly after it', () => {
    const spool = open();
    appendRange(spool, 1, 5);
    spool.close();
    const [seg] = segments();
    truncateSync(path.join(dir, seg!), 5 * RECORD - 37);
    const reopened = open();
    expect(seqs(reopened)).toEqual([1, 2, 3, 4]);
    expect(reopened.stats().corrupt).toBe(1);
    reopened.append({ seq: 6, frame: frame(6) });
    expect(seqs(reopened)).toEqual([1, 2, 3, 4, 6]);
    reopened.close();
    const again = open();
    expect(seqs(again)).toEqual([1, 2, 3, 4, 6]);
    expect(again.stats().corrupt).toBe(0); // the torn tail was cut off, not met again
    again.close();
  });

  it('skips a record that fails its checksum and keeps the ones around it', () => {
    const spool = open();
    appendRange(spool, 1, 5);
    spool.close();
    const file = path.join(dir, segments()[0]!);
    const bytes = readFileSync(file);
    bytes[2 * RECORD + 60] = bytes[2 * RECORD + 60]! ^ 0x01; // inside seq 3's frame
    writeFileSync(file, bytes);
    const reopened = open();
    expect(seqs(reopened)).toEqual([1, 2, 4, 5]);
    expect(reopened.stats().corrupt).toBe(1);
    reopened.append({ seq: 6, frame: frame(6) });
    reopened.ack(6);
    expect(seqs(reopened)).toEqual([]);
    reopened.close();
  });

  it('skips a record damaged on disk after it was indexed', () => {
    const spool = open();
    appendRange(spool, 1, 3);
    const file = path.join(dir, segments()[0]!);
    const bytes = readFileSync(file);
    bytes[RECORD + 50] = bytes[RECORD + 50]! ^ 0x10;
    writeFileSync(file, bytes);
    expect(seqs(spool)).toEqual([1, 3]);
    expect(spool.stats()).toMatchObject({ queued: 2, corrupt: 1 });
    spool.close();
  });

  it('resends rather than loses when the ack file is damaged', () => {
    const spool = open();
    appendRange(spool, 1, 3);
    spool.ack(2);
    spool.close();
    writeFileSync(path.join(dir, 'ack.dat'), Buffer.alloc(8192, 0xf5));
    const reopened = open();
    // Seq 1 and 2 share the segment with 3: without the ack file they are sent again (the
    // collector drops seqs it already acked), never lost.
    expect(seqs(reopened)).toEqual([1, 2, 3]);
    reopened.close();
  });
});

describe('MemorySpool', () => {
  it('drops the oldest beyond its size and records the gap', () => {
    const ring = new MemorySpool(3);
    for (let s = 1; s <= 5; s++) ring.append({ seq: s, frame: frame(s) });
    expect(ring.after(0, 10).map((r) => r.seq)).toEqual([3, 4, 5]);
    expect(ring.stats().dropped).toBe(2);
    expect(ring.gaps()).toEqual([{ firstSeq: 1, lastSeq: 2, count: 2 }]);
    expect(ring.after(0, 0)).toEqual([]);
  });
});
