import { describe, expect, it } from 'vitest';
import { observe, promote, startAlert } from './lifecycle.js';
import { sampleOf } from './engine.testutil.js';

const T0 = 1_000_000;

describe('alert lifecycle', () => {
  it('stays pending for `for`, then fires', () => {
    const s = sampleOf(1, true, { forMs: 10_000 });
    const { alert, events } = startAlert(s, 'a1', 'g', T0);
    expect(events).toEqual(['pending']);
    expect(observe(alert, s, T0 + 5_000)).toEqual([]);
    expect(alert.state).toBe('pending');
    expect(promote(alert, T0 + 9_999)).toBe(false);
    expect(promote(alert, T0 + 10_000)).toBe(true);
    expect(alert).toMatchObject({ state: 'firing', firedAt: T0 + 10_000 });
  });

  it('fires at once when `for` is zero', () => {
    const { alert, events } = startAlert(sampleOf(1, true), 'a1', 'g', T0);
    expect(events).toEqual(['pending', 'fired']);
    expect(alert.state).toBe('firing');
  });

  it('drops a pending alert on the first healthy evaluation: one bad sample pages nobody', () => {
    const { alert } = startAlert(sampleOf(1, true, { forMs: 10_000 }), 'a1', 'g', T0);
    expect(observe(alert, sampleOf(1, false, { forMs: 10_000 }), T0 + 2_000)).toEqual(['cleared']);
    expect(alert).toMatchObject({ state: 'resolved', closed: true, firedAt: null });
    expect(promote(alert, T0 + 60_000)).toBe(false);
  });

  it('resolves a firing alert only after clearAfter consecutive healthy evaluations', () => {
    const { alert } = startAlert(sampleOf(1, true, { clearAfter: 3 }), 'a1', 'g', T0);
    const healthy = sampleOf(1, false, { clearAfter: 3 });
    expect(observe(alert, healthy, T0 + 1)).toEqual([]);
    expect(observe(alert, healthy, T0 + 2)).toEqual([]);
    // A bad one in between starts the count again.
    expect(observe(alert, sampleOf(1, true, { clearAfter: 3, reason: 'Disk C: 2% free' }), T0 + 3)).toEqual([]);
    expect(alert.reason).toBe('Disk C: 2% free');
    expect(observe(alert, healthy, T0 + 4)).toEqual([]);
    expect(observe(alert, healthy, T0 + 5)).toEqual([]);
    expect(observe(alert, healthy, T0 + 6)).toEqual(['resolved']);
    expect(alert).toMatchObject({ state: 'resolved', resolvedAt: T0 + 6 });
    expect(observe(alert, sampleOf(1, true), T0 + 7)).toEqual([]);
  });
});
