import { describe, expect, it } from 'vitest';
import { LatencyWindow } from './latency-window.js';

describe('LatencyWindow', () => {
  it('gives p99 and max in ms for the interval, then starts over', () => {
    const w = new LatencyWindow();
    expect(w.fields('ack')).toEqual({});
    for (let i = 1; i <= 100; i++) w.record(i * 10);
    const f = w.fields('ack');
    expect(f.ack_max_ms).toBeCloseTo(1000, 0);
    expect(f.ack_p99_ms).toBeGreaterThanOrEqual(980);
    expect(f.ack_p99_ms).toBeLessThanOrEqual(1000);
    expect(w.fields('ack')).toEqual({});
    w.record(0.25);
    expect(w.fields('ack').ack_max_ms).toBeCloseTo(0.25, 2);
  });
});
