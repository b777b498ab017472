import { describe, expect, it } from 'vitest';
import { Lines, LinesBuilder } from './lines.js';

describe('Lines', () => {
  const text = ['cpu,host=a usage=1 1', 'disk,path=C: free="ünïcødé ✓ 東京" 2', 'mem v=3 3', 'net up=true 4', 'x y=5 5'];

  it('holds lines as one body, each ending with a newline', () => {
    const lines = Lines.of(text);
    expect(lines.count).toBe(5);
    expect(lines.bytes.toString('utf8')).toBe(text.join('\n') + '\n');
    expect(lines.toStrings()).toEqual(text);
  });

  it('slices and concatenates without losing a line', () => {
    const lines = Lines.of(text);
    expect(lines.slice(0, 2).toStrings()).toEqual(text.slice(0, 2));
    expect(lines.slice(2).toStrings()).toEqual(text.slice(2));
    expect(lines.slice(1, 4).slice(1, 2).toStrings()).toEqual([text[2]]);
    expect(lines.slice(3).concat(lines.slice(0, 3)).toStrings()).toEqual([...text.slice(3), ...text.slice(0, 3)]);
    expect(lines.slice(2, 2).count).toBe(0);
  });

  it('parses a body with or without its last newline', () => {
    expect(Lines.parse(Buffer.from(text.join('\n'))).toStrings()).toEqual(text);
    expect(Lines.parse(Buffer.from(text.join('\n') + '\n')).toStrings()).toEqual(text);
  });

  it('grows its buffer for many and long lines', () => {
    const builder = new LinesBuilder();
    const many = Array.from({ length: 3000 }, (_, i) => `m,host=ws-${i} s="${'é'.repeat(i % 100)}" ${i}`);
    many.push(`long s="${'x'.repeat(200_000)}" 1`);
    for (const l of many) builder.push(l);
    const lines = builder.take();
    expect(lines.toStrings()).toEqual(many);
    expect(builder.count).toBe(0);
  });
});
