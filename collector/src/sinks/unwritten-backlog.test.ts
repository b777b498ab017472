import { describe, expect, it } from 'vitest';
import { UnwrittenBacklog } from './unwritten-backlog.js';

describe('unwritten spill backlog', () => {
  it('counts points and ages them by the oldest still unwritten', () => {
    const b = new UnwrittenBacklog();
    expect(b.ageMs(1_000)).toBe(0);
    b.add(0, 100); // nothing spilled: not an entry
    expect(b.ageMs(1_000)).toBe(0);
    b.add(5, 100);
    b.add(3, 400);
    expect(b.points).toBe(8);
    expect(b.ageMs(1_000)).toBe(900);
    b.written(4);
    expect(b.points).toBe(4);
    expect(b.ageMs(1_000)).toBe(900); // one point of the first batch is left
    b.written(1);
    expect(b.ageMs(1_000)).toBe(600);
    b.written(3);
    expect(b.points).toBe(0);
    expect(b.ageMs(1_000)).toBe(0);
  });

  it('never counts below zero, and clears when the spill is found empty', () => {
    const b = new UnwrittenBacklog();
    b.add(2, 0);
    b.written(5);
    expect(b.points).toBe(0);
    b.add(7, 10);
    b.clear();
    expect(b.points).toBe(0);
    expect(b.ageMs(100)).toBe(0);
  });
});
