import { describe, expect, it } from 'vitest';
import { crc32 } from './crc32.js';
import { decodeRecord, encodeRecord, scanRecords, type SpoolRecord } from './record.js';

const rec = (seq: number, frame = `{"seq":${seq}}`): SpoolRecord => ({ seq, createdAt: 1_700_000_000_000 + seq, frame });

describe('crc32', () => {
  it('matches the standard check value', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(Buffer.alloc(0))).toBe(0);
  });
});

describe('record codec', () => {
  it('round-trips seq, createdAt and the frame text exactly', () => {
    const r = rec(2 ** 40, '{"v":1,"msg":"Disk C: 3% free — ünïcødé ✓"}');
    const decoded = decodeRecord(encodeRecord(r));
    expect(decoded?.record).toEqual(r);
    expect(decoded?.size).toBe(encodeRecord(r).length);
  });

  it('scans consecutive records with their offsets', () => {
    const bufs = [rec(1), rec(2), rec(3)].map(encodeRecord);
    const scan = scanRecords(Buffer.concat(bufs));
    expect(scan.records.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(scan.records.map((r) => r.offset)).toEqual([0, bufs[0]!.length, bufs[0]!.length + bufs[1]!.length]);
    expect(scan.corrupt).toBe(0);
    expect(scan.validEnd).toBe(Buffer.concat(bufs).length);
  });

  it('counts a torn tail once and reports where the valid part ends', () => {
    const whole = Buffer.concat([rec(1), rec(2)].map(encodeRecord));
    const firstEnd = encodeRecord(rec(1)).length;
    for (let cut = 1; cut < encodeRecord(rec(2)).length; cut++) {
      const scan = scanRecords(whole.subarray(0, whole.length - cut));
      expect(scan.records.map((r) => r.seq)).toEqual([1]);
      expect(scan.corrupt).toBe(1);
      expect(scan.validEnd).toBe(firstEnd);
    }
  });

  it('skips a record with any flipped byte and finds the ones after it', () => {
    const bufs = [rec(1), rec(2), rec(3)].map(encodeRecord);
    const start = bufs[0]!.length;
    for (let i = 0; i < bufs[1]!.length; i++) {
      const whole = Buffer.concat(bufs);
      whole[start + i] = whole[start + i]! ^ 0x40;
      const scan = scanRecords(whole);
      expect(scan.records.map((r) => r.seq)).toEqual([1, 3]);
      expect(scan.corrupt).toBe(1);
    }
  });

  it('treats a zero-filled tail (power loss after a size update) as damage', () => {
    const scan = scanRecords(Buffer.concat([encodeRecord(rec(1)), Buffer.alloc(100)]));
    expect(scan.records).toHaveLength(1);
    expect(scan.corrupt).toBe(1);
    expect(decodeRecord(Buffer.alloc(100))).toBeUndefined();
  });
});
