import { describe, expect, it } from 'vitest';
import { LinesBuilder } from './lines.js';

const oneByOne = (lines: string[]) => {
  const b = new LinesBuilder();
  for (const l of lines) b.push(l);
  return b.take();
};

describe('LinesBuilder.pushAll', () => {
  it('gives the same bytes and line boundaries as pushing line by line, ASCII or not, across growth', () => {
    const ascii = Array.from({ length: 2_000 }, (_, i) => `cpu,host=pc-${i} usage=${i}.5 1790000000000`);
    const mixed = ['disk,path=C:\\ free=1 1', 'app,name=café ok=1 2', 'x,k=\u{1F600} v="é" 3', 'plain v=1 4'];
    for (const batch of [ascii, mixed, [...mixed, ...ascii, ...mixed]]) {
      const b = new LinesBuilder();
      b.pushAll(batch.slice(0, 3));
      b.pushAll([]);
      b.pushAll(batch.slice(3));
      const all = b.take();
      const want = oneByOne(batch);
      expect(all.count).toBe(batch.length);
      expect(all.bytes.equals(want.bytes)).toBe(true);
      expect(all.toStrings()).toEqual(batch);
      expect(all.slice(1, 3).toStrings()).toEqual(batch.slice(1, 3));
    }
  });
});
