import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSpool, type FileSpoolOptions } from './file.js';

// Real filesystem faults: a tiny tmpfs that fills up and a read-only bind mount. Needs root on Linux.
const canMount = (() => {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  const probe = mkdtempSync(path.join(os.tmpdir(), 'siaga-mount-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
})();

const frame = (seq: number) => JSON.stringify({ v: 1, type: 'report', seq, collectedAt: 1_700_000_000_000 + seq, pad: 'x'.repeat(200) });
const mount = (...args: string[]) => execFileSync('mount', args, { stdio: 'pipe' });

let base: string;
let mounted: string[];
let clock: number;
const open = (dir: string, opts: FileSpoolOptions = {}) => new FileSpool(dir, { now: () => clock, retryMs: 30_000, ...opts });
const seqs = (spool: FileSpool) => spool.after(0, 1000).map((r) => r.seq);
const appendRange = (spool: FileSpool, from: number, to: number) => {
  for (let s = from; s <= to; s++) spool.append({ seq: s, frame: frame(s) });
};
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

beforeEach(() => {
  base = mkdtempSync(path.join(os.tmpdir(), 'siaga-spool-fault-'));
  mounted = [];
  clock = 1_700_000_000_000;
});
afterEach(() => {
  for (const m of mounted.reverse()) execFileSync('umount', ['-l', m], { stdio: 'ignore' });
  rmSync(base, { recursive: true, force: true });
});

describe.skipIf(!canMount)('FileSpool on a failing disk', () => {
  it('degrades to memory when the disk is full, keeps order, and returns to disk once space is back', () => {
    mount('-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', base);
    mounted.push(base);
    const dir = path.join(base, 'spool');
    const spool = open(dir, { segmentBytes: 8 * 1024 });
    appendRange(spool, 1, 5);
    expect(spool.stats().degraded).toBe(false);

    const filler = path.join(base, 'filler');
    expect(() => {
      for (;;) appendFileSync(filler, Buffer.alloc(1024, 1));
    }).toThrow(/ENOSPC/);

    appendRange(spool, 6, 40); // more than fits: must neither throw nor lose order
    expect(spool.stats()).toMatchObject({ degraded: true, queued: 40, dropped: 0 });
    expect(seqs(spool)).toEqual(range(1, 40));
    spool.ack(3);
    expect(seqs(spool)).toEqual(range(4, 40));

    unlinkSync(filler);
    spool.append({ seq: 41, frame: frame(41) });
    expect(spool.stats().degraded).toBe(true); // the next attempt waits for retryMs
    clock += 30_000;
    spool.append({ seq: 42, frame: frame(42) });
    expect(spool.stats()).toMatchObject({ degraded: false, queued: 39 });
    expect(spool.after(0, 1000)).toEqual(range(4, 42).map((s) => ({ seq: s, frame: frame(s) })));
    spool.close();

    const reopened = open(dir, { segmentBytes: 8 * 1024 });
    expect(seqs(reopened)).toEqual(range(4, 42));
    expect(reopened.stats()).toMatchObject({ corrupt: 0, degraded: false });
    reopened.close();
  });

  it('degrades on a read-only filesystem, bounds the memory ring, and moves it to disk when writable', () => {
    const dir = path.join(base, 'spool');
    const before = open(dir);
    appendRange(before, 1, 3);
    before.close();
    mount('--bind', base, base);
    mounted.push(base);
    mount('-o', 'remount,ro,bind', base);

    const spool = open(dir, { memoryItems: 5 });
    expect(seqs(spool)).toEqual([1, 2, 3]); // reading still works
    appendRange(spool, 4, 12);
    expect(spool.stats()).toMatchObject({ degraded: true, queued: 8, dropped: 4 });
    expect(seqs(spool)).toEqual([1, 2, 3, 8, 9, 10, 11, 12]);
    expect(spool.gaps()).toEqual([{ firstSeq: 4, lastSeq: 7, count: 4 }]);

    mount('-o', 'remount,rw,bind', base);
    clock += 30_000;
    spool.append({ seq: 13, frame: frame(13) });
    expect(spool.stats()).toMatchObject({ degraded: false, queued: 9, dropped: 4 });
    spool.close();

    const reopened = open(dir);
    expect(seqs(reopened)).toEqual([1, 2, 3, 8, 9, 10, 11, 12, 13]);
    expect(reopened.gaps()).toEqual([{ firstSeq: 4, lastSeq: 7, count: 4 }]);
    reopened.close();
  });

  it('starts in memory when the spool directory cannot be created, then creates it later', () => {
    const parent = path.join(base, 'state');
    mkdirSync(parent);
    mount('--bind', parent, parent);
    mounted.push(parent);
    mount('-o', 'remount,ro,bind', parent);
    const dir = path.join(parent, 'spool');

    const spool = open(dir);
    appendRange(spool, 1, 4);
    spool.ack(2);
    expect(spool.stats()).toMatchObject({ degraded: true, queued: 2 });
    expect(seqs(spool)).toEqual([3, 4]);

    mount('-o', 'remount,rw,bind', parent);
    clock += 30_000;
    spool.append({ seq: 5, frame: frame(5) });
    expect(spool.stats().degraded).toBe(false);
    spool.close();
    const reopened = open(dir);
    expect(seqs(reopened)).toEqual([3, 4, 5]);
    reopened.close();
  });
});
