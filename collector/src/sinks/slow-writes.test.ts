import { describe, expect, it } from 'vitest';
import { SLOW_MEMORY_MS, SlowWrites } from './slow-writes.js';
import type { Spill } from './spill.js';

describe('SlowWrites.slowLately', () => {
  it('holds for SLOW_MEMORY_MS after InfluxDB was last slow, then lets a batch wait again', () => {
    const slow = new SlowWrites({} as Spill);
    expect(slow.slowLately(0)).toBe(false);
    slow.sawSlow(1_000);
    expect(slow.slowLately(1_000 + SLOW_MEMORY_MS - 1)).toBe(true);
    expect(slow.slowLately(1_000 + SLOW_MEMORY_MS)).toBe(false);
    slow.sawSlow(20_000);
    expect(slow.slowLately(20_001)).toBe(true);
  });
});
