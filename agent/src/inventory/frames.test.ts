import { parseAgentFrame, type Software } from '@siaga/shared';
import { describe, expect, it } from 'vitest';
import { inventoryFrames } from './frames.js';

const software = (n: number): Software[] =>
  Array.from({ length: n }, (_, i) => ({ name: `Package number ${i} with a rather long descriptive name`, version: `${i}.0.${i % 7}-1ubuntu2`, publisher: 'Example Software Foundation', source: 'dpkg' }));

describe('inventory frames', () => {
  it('fits a small inventory in one frame with the hardware', () => {
    const frames = inventoryFrames({ hardware: { vendor: 'LENOVO', model: '20XW' }, software: software(3), errors: [] }, 'ab'.repeat(32), 1_790_000_000_000);
    expect(frames).toHaveLength(1);
    expect(frames[0]).toMatchObject({ part: 0, parts: 1, hardware: { vendor: 'LENOVO' } });
    expect(parseAgentFrame(JSON.stringify(frames[0])).ok).toBe(true);
  });

  it('splits a large inventory into valid frames under the size limit, in order, losing nothing', () => {
    const all = software(2500);
    const frames = inventoryFrames({ hardware: { model: 'X1' }, software: all, errors: [] }, 'cd'.repeat(32), 1_790_000_000_000);
    expect(frames.length).toBeGreaterThan(1);
    for (const f of frames) {
      const text = JSON.stringify(f);
      const parsed = parseAgentFrame(text);
      expect(parsed.ok, parsed.ok ? '' : parsed.error.message).toBe(true);
      expect(f.parts).toBe(frames.length);
    }
    expect(frames.slice(1).every((f) => f.hardware === undefined)).toBe(true);
    expect(frames.flatMap((f) => f.software)).toEqual(all);
  });
});
