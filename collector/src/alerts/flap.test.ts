import { describe, expect, it } from 'vitest';
import { type FlapState, isQuiet, percentStateChange, recordEvaluation } from './flap.js';

const config = { window: 21, enterPercent: 20, leavePercent: 5 };

describe('flap detection', () => {
  it('measures weighted percent state change, newer changes weighing more', () => {
    expect(percentStateChange([])).toBe(0);
    expect(percentStateChange(Array(21).fill(true))).toBe(0);
    expect(percentStateChange(Array.from({ length: 21 }, (_, i) => i % 2 === 0))).toBeCloseTo(100);
    const oldChange = [true, false, ...Array(19).fill(false)];
    const newChange = [...Array(20).fill(false), true];
    expect(percentStateChange(oldChange)).toBeCloseTo(4);
    expect(percentStateChange(newChange)).toBeCloseTo(6);
  });

  it('enters above 20 %, reports once, and leaves only below 5 %', () => {
    const state: FlapState = { history: [], flapping: false };
    const changes: Array<string | null> = [];
    // Alternating: flapping soon.
    for (let i = 0; i < 12; i++) changes.push(recordEvaluation(state, i % 2 === 0, config));
    expect(changes.filter((c) => c === 'started')).toHaveLength(1);
    expect(state.flapping).toBe(true);
    // Steady: the changes age out of the window; between 20 % and 5 % it is still flapping.
    const steady: Array<string | null> = [];
    let heldBelowEnter = false;
    for (let i = 0; i < 30; i++) {
      steady.push(recordEvaluation(state, true, config));
      const pct = percentStateChange(state.history, 21);
      if (state.flapping && pct < 20 && pct >= 5) heldBelowEnter = true;
    }
    expect(steady.filter((c) => c !== null)).toEqual(['stopped']);
    expect(heldBelowEnter).toBe(true);
    expect(state.history).toHaveLength(21);
    expect(state.flapping).toBe(false);
  });

  it('counts a short history as if its first state had held the whole window', () => {
    expect(percentStateChange([true, false], 21)).toBeCloseTo(6);
    expect(percentStateChange([true, false, true, false], 21)).toBeCloseTo((100 * (0.8 + (0.4 * 17) / 19 + 0.8 + (0.4 * 18) / 19 + 1.2)) / 20);
  });

  it('does not call a single change flapping', () => {
    const state: FlapState = { history: [], flapping: false };
    for (let i = 0; i < 21; i++) expect(recordEvaluation(state, i >= 10, config)).toBeNull();
  });

  it('forgets a series with nothing active', () => {
    expect(isQuiet({ history: [false, false], flapping: false })).toBe(true);
    expect(isQuiet({ history: [false, true], flapping: false })).toBe(false);
  });
});
