import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.js';
import { DUPLICATE_MIN_MS, MAX_RESTART_SPREAD_MS, planReconnect, RESTART_SPREAD_MS } from './reconnect.js';

const ctx = (random: () => number) => ({ backoff: new Backoff(1_000, 60_000, () => 0.5), revokedBackoffMs: 300_000, random });

describe('planReconnect', () => {
  it('adds a random spread of up to 10 s after 1012 and 1013, on top of the backoff', () => {
    for (const code of [1012, 1013]) {
      expect(planReconnect(code, ctx(() => 0)).delayMs).toBe(750);
      expect(planReconnect(code, ctx(() => 1)).delayMs).toBe(750 + RESTART_SPREAD_MS);
      expect(planReconnect(code, ctx(() => 0.25)).delayMs).toBe(750 + RESTART_SPREAD_MS / 4);
    }
    // An ordinary drop gets the backoff alone.
    expect(planReconnect(1006, ctx(() => 1)).delayMs).toBe(750);
  });

  it('spreads a fleet reconnecting after 1012 across the window', () => {
    const delays = Array.from({ length: 2000 }, () => planReconnect(1012, { backoff: new Backoff(), revokedBackoffMs: 1 }).delayMs);
    const buckets = [0, 0, 0, 0, 0];
    for (const d of delays) buckets[Math.min(4, Math.floor(d / 2_200))]! += 1;
    // Roughly uniform: no fifth of the window holds more than a third of the fleet.
    expect(Math.max(...buckets)).toBeLessThan(2000 / 3);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(500);
    expect(Math.max(...delays)).toBeLessThanOrEqual(1_000 + RESTART_SPREAD_MS);
  });

  it('spreads over what the collector asks for in its close reason: 10 s at least, 10 minutes at most', () => {
    expect(planReconnect(1012, ctx(() => 1), 0, 100_000).delayMs).toBe(750 + 100_000);
    expect(planReconnect(1013, ctx(() => 0.5), 0, 100_000).delayMs).toBe(750 + 50_000);
    expect(planReconnect(1012, ctx(() => 1), 0, 2_000).delayMs).toBe(750 + RESTART_SPREAD_MS);
    expect(planReconnect(1012, ctx(() => 1), 0, 86_400_000).delayMs).toBe(750 + MAX_RESTART_SPREAD_MS);
    // Only a restart or overload spreads: an ordinary drop keeps its backoff.
    expect(planReconnect(1006, ctx(() => 1), 0, 100_000).delayMs).toBe(750);
  });

  it('re-enrolls after a long pause when the key is refused (4401 or HTTP 401)', () => {
    for (const code of [4401, 401]) {
      const plan = planReconnect(code, ctx(() => 0.5));
      expect(plan.reenroll).toBe(true);
      expect(plan.delayMs).toBe(330_000);
    }
    expect(planReconnect(1006, ctx(() => 0.5)).reenroll).toBe(false);
  });

  it('keeps a refused twin away for at least 30 s and honours Retry-After', () => {
    expect(planReconnect(4409, ctx(() => 0.5))).toEqual({ delayMs: DUPLICATE_MIN_MS, reenroll: false });
    expect(planReconnect(429, ctx(() => 0.5), 7_000).delayMs).toBe(7_000);
  });
});
