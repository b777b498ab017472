import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameCounter } from './frame-counter.js';

/** A masked client frame as RFC 6455 lays it out. */
function frame(opcode: number, payload: Buffer, fin = true): Buffer {
  const len = payload.length;
  const ext = len < 126 ? Buffer.alloc(0) : len < 65_536 ? Buffer.alloc(2) : Buffer.alloc(8);
  if (len >= 126 && len < 65_536) ext.writeUInt16BE(len);
  if (len >= 65_536) ext.writeBigUInt64BE(BigInt(len));
  const head = Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | (len < 126 ? len : len < 65_536 ? 126 : 127)]);
  return Buffer.concat([head, ext, randomBytes(4), payload]);
}

describe('FrameCounter', () => {
  it('counts frames of every length class, control and continuation frames included', () => {
    const stream = Buffer.concat([
      frame(0x1, Buffer.from('{"v":1}')),
      frame(0x1, Buffer.alloc(300), false),
      frame(0x0, Buffer.alloc(0), false),
      frame(0x0, Buffer.alloc(70_000), true),
      frame(0x9, Buffer.alloc(0)),
      frame(0xa, Buffer.from('pong')),
    ]);
    expect(new FrameCounter().push(stream)).toBe(6);
  });

  it('gives the same count however the stream is cut into chunks', () => {
    const frames = [frame(0x1, Buffer.alloc(5)), frame(0x1, Buffer.alloc(200)), frame(0x0, Buffer.alloc(0)), frame(0x9, Buffer.alloc(3)), frame(0x1, Buffer.alloc(66_000))];
    const stream = Buffer.concat(frames);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 40 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const counter = new FrameCounter();
        let total = 0;
        let from = 0;
        for (const p of [...points, stream.length]) {
          total += counter.push(stream.subarray(from, p));
          from = p;
        }
        expect(total).toBe(frames.length);
      }),
      { numRuns: 300 },
    );
  });

  it('counts a flood of empty continuation frames one by one, even byte by byte', () => {
    const flood = Buffer.concat(Array.from({ length: 1000 }, () => frame(0x0, Buffer.alloc(0), false)));
    const counter = new FrameCounter();
    let total = 0;
    for (let i = 0; i < flood.length; i++) total += counter.push(flood.subarray(i, i + 1));
    expect(total).toBe(1000);
  });
});
